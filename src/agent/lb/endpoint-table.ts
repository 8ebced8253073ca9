import type { LbPolicy, PushedEndpoint, ServerMessage } from "../../model/index.js";
import { type Candidate, decayed } from "./pick.js";

/** An endpoint with what this load balancer has seen of it. */
export interface EndpointState extends Candidate {
  nodeId: string;
  node: string;
  address: string;
  port: number;
  /** The control plane's verdict (running and its check passes). */
  healthy: boolean;
  requests: number;
  failures: number;
  /** Passive ejection: no traffic before this time (ms) after connection failures. */
  ejectedUntil: number;
  consecutiveFailures: number;
  /** When a request was last sent to it (ms since the epoch), 0 = never. */
  lastSentAt: number;
  /** When `ewmaMs` was last updated (ms since the epoch). */
  ewmaAt: number;
}

export interface ServiceEntry {
  name: string;
  policy: LbPolicy;
  hashHeader?: string;
  tcpPort?: number;
  /** Sorted by id, so round robin and tie-breaks are stable. */
  endpoints: EndpointState[];
  counter: number;
}

export interface EjectionPolicy {
  /** First ejection after a connection failure (doubles while it keeps failing). */
  baseMs: number;
  maxMs: number;
}

/** Passive ejection: 1 s, doubling up to 30 s while an endpoint keeps refusing connections. */
export const DEFAULT_EJECTION: EjectionPolicy = { baseMs: 1000, maxMs: 30_000 };

/** Weight of a new response time in the moving average. */
const EWMA_ALPHA = 0.3;

type ServicesMessage = Extract<ServerMessage, { type: "services" }>;

function fresh(e: PushedEndpoint): EndpointState {
  return {
    ...e,
    inflight: 0,
    ewmaMs: undefined,
    requests: 0,
    failures: 0,
    ejectedUntil: 0,
    consecutiveFailures: 0,
    lastSentAt: 0,
    ewmaAt: 0,
  };
}

/**
 * The services this agent's load balancer knows, as pushed by the control plane, with per
 * endpoint figures (requests in flight, smoothed response time, passive ejection) that survive
 * pushes as long as the endpoint stays.
 */
export class EndpointTable {
  private readonly services = new Map<string, ServiceEntry>();

  constructor(private readonly ejection: EjectionPolicy = DEFAULT_EJECTION) {}

  apply(msg: ServicesMessage): void {
    const keep = new Map(this.services);
    if (msg.full) this.services.clear();
    for (const name of msg.removed) this.services.delete(name);
    for (const s of msg.services) {
      const before = new Map((keep.get(s.name)?.endpoints ?? []).map((e) => [e.id, e]));
      const endpoints = s.endpoints
        .map((e) => {
          const old = before.get(e.id);
          if (!old) return fresh(e);
          const next: EndpointState = { ...old, ...e };
          // Its check passes again: whatever passive ejection said is over.
          if (e.healthy && !old.healthy) {
            next.ejectedUntil = 0;
            next.consecutiveFailures = 0;
          }
          return next;
        })
        .sort((a, b) => a.id.localeCompare(b.id));
      const entry: ServiceEntry = {
        name: s.name,
        policy: s.policy,
        endpoints,
        counter: keep.get(s.name)?.counter ?? 0,
      };
      if (s.hashHeader) entry.hashHeader = s.hashHeader;
      if (s.tcpPort) entry.tcpPort = s.tcpPort;
      this.services.set(s.name, entry);
    }
  }

  get(name: string): ServiceEntry | undefined {
    return this.services.get(name);
  }

  list(): ServiceEntry[] {
    return [...this.services.values()];
  }

  /**
   * Endpoints that may get a request now: healthy and not ejected. When every healthy one is
   * ejected, all healthy ones are tried anyway (better a likely failure than a certain one).
   */
  eligible(s: ServiceEntry, now: number, exclude: ReadonlySet<string>): EndpointState[] {
    const healthy = s.endpoints.filter((e) => e.healthy && !exclude.has(e.id));
    const ready = healthy.filter((e) => e.ejectedUntil <= now);
    const list = ready.length > 0 ? ready : healthy;
    for (const e of list) e.ewmaAgeMs = now - e.ewmaAt;
    return list;
  }

  /** A connection to it failed: no traffic for a while (longer each time in a row). */
  connectFailed(e: EndpointState, now: number): void {
    e.failures++;
    e.consecutiveFailures++;
    const ms = Math.min(
      this.ejection.maxMs,
      this.ejection.baseMs * 2 ** Math.min(e.consecutiveFailures - 1, 20),
    );
    e.ejectedUntil = now + ms;
  }

  /** A connection to it was made (TCP forwarding): whatever ejection said is over. */
  connected(e: EndpointState): void {
    e.consecutiveFailures = 0;
    e.ejectedUntil = 0;
  }

  /** It answered (response headers after `ms`) at `now`. */
  answered(e: EndpointState, ms: number, now: number): void {
    e.consecutiveFailures = 0;
    e.ejectedUntil = 0;
    const current = e.ewmaMs === undefined ? undefined : decayed(e.ewmaMs, now - e.ewmaAt);
    e.ewmaMs = current === undefined ? ms : current + EWMA_ALPHA * (ms - current);
    e.ewmaAt = now;
  }
}
