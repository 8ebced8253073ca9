import {
  BrinkError,
  compareEndpoints,
  type Node,
  type PushedService,
  type ServerMessage,
  type ServiceView,
} from "../../model/index.js";
import { buildServices, type RegistrySources, type ServiceState } from "./registry.js";

export interface DirectoryHost extends RegistrySources {
  nodeByIdOrName(key: string): Node | undefined;
  /** Connected agents' sessions by node id. */
  sessions(): Iterable<[string, { send(msg: ServerMessage): void }]>;
  /** RTT between two nodes (measured, else declared); undefined when unknown. */
  rtt(from: Node, to: Node): number | undefined;
}

/** How long changes are gathered before one push (a plan or a burst of reports is one push). */
const PUSH_DELAY_MS = 20;

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * The service directory: answers `GET /v1/services` and pushes endpoint lists to every agent's
 * load balancer. Whatever may change a service (an allocation with ports changes, a node moves)
 * marks it dirty; shortly after, the services are rebuilt and only those whose endpoint set,
 * health or policy changed are pushed, to every connected agent. Each agent also gets the full
 * set when its session starts. RTTs in a push are from the receiving node; they are refreshed with
 * the next push (the agents' load balancers also measure response times themselves).
 */
export class ServiceDirectory {
  private last = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  /** The services as of the last change (rebuilt only after something changed). */
  private cache: Map<string, ServiceState> | null = null;

  constructor(private readonly host: DirectoryHost) {}

  /** Something that may change a service happened: push changes shortly. */
  markDirty(): void {
    this.cache = null;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.pushChanges();
    }, PUSH_DELAY_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private build(): Map<string, ServiceState> {
    this.cache ??= buildServices(this.host);
    return this.cache;
  }

  /** Every service, endpoints nearest to `near` first. */
  list(near?: string): ServiceView[] {
    const from = this.nearNode(near);
    return [...this.build().values()].map((s) => this.view(s, from));
  }

  get(name: string, near?: string): ServiceView {
    const from = this.nearNode(near);
    const s = this.build().get(name);
    if (!s) {
      throw new BrinkError(
        "SERVICE_NOT_FOUND",
        `no service "${name}": no running allocation of a task with ports forms it (GET /v1/services lists them)`,
      );
    }
    return this.view(s, from);
  }

  /** Sends one agent every service (its session just started). */
  sendFull(nodeId: string, session: { send(msg: ServerMessage): void }): void {
    const node = this.host.node(nodeId);
    if (!node) return;
    const services = [...this.build().values()].map((s) => this.pushed(s, node));
    session.send({ type: "services", full: true, services, removed: [] });
  }

  private pushChanges(): void {
    const now = this.build();
    const changed: ServiceState[] = [];
    const next = new Map<string, string>();
    for (const [name, s] of now) {
      const sig = JSON.stringify(s);
      next.set(name, sig);
      if (this.last.get(name) !== sig) changed.push(s);
    }
    const removed = [...this.last.keys()].filter((name) => !now.has(name));
    this.last = next;
    if (changed.length === 0 && removed.length === 0) return;
    for (const [nodeId, session] of this.host.sessions()) {
      const node = this.host.node(nodeId);
      if (!node) continue;
      const services = changed.map((s) => this.pushed(s, node));
      session.send({ type: "services", full: false, services, removed });
    }
  }

  private pushed(s: ServiceState, to: Node): PushedService {
    const out: PushedService = {
      name: s.name,
      policy: s.policy,
      endpoints: s.endpoints.map((e) => ({
        id: e.allocId,
        nodeId: e.nodeId,
        node: e.node,
        address: e.address,
        port: e.port,
        healthy: e.health === "healthy",
        rttMs: this.rttBetween(to, e.nodeId),
      })),
    };
    if (s.hashHeader) out.hashHeader = s.hashHeader;
    if (s.tcpPort) out.tcpPort = s.tcpPort;
    return out;
  }

  private rttBetween(from: Node | undefined, nodeId: string): number | null {
    const to = this.host.node(nodeId);
    if (!from || !to) return null;
    const r = this.host.rtt(from, to);
    return r === undefined ? null : round(r);
  }

  private view(s: ServiceState, from: Node | undefined): ServiceView {
    const endpoints = s.endpoints
      .map((e) => ({ ...e, rttMs: this.rttBetween(from, e.nodeId) }))
      .sort(compareEndpoints);
    const out: ServiceView = { name: s.name, policy: s.policy, endpoints };
    if (s.hashHeader) out.hashHeader = s.hashHeader;
    if (s.tcpPort) out.tcpPort = s.tcpPort;
    return out;
  }

  private nearNode(near: string | undefined): Node | undefined {
    if (near === undefined || near === "") return undefined;
    const node = this.host.nodeByIdOrName(near);
    if (!node)
      throw new BrinkError(
        "NODE_NOT_FOUND",
        `near="${near}": no node with that id or name (GET /v1/nodes lists them)`,
      );
    return node;
  }
}
