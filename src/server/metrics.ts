import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Store } from "../store/index.js";

const NON_CONFORMING_DEFAULTS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/** The control plane's Prometheus metrics, one registry per server instance. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly nodes = new Gauge({
    name: "brink_nodes",
    help: "Nodes by status and site.",
    labelNames: ["status", "site"] as const,
    registers: [this.registry],
  });
  readonly allocations = new Gauge({
    name: "brink_allocations",
    help: "Allocations by status.",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  readonly evalsQueued = new Gauge({
    name: "brink_evaluations_queued",
    help: "Evaluations waiting for the scheduler.",
    registers: [this.registry],
  });
  readonly evalsTotal = new Counter({
    name: "brink_evaluations_total",
    help: "Evaluations processed, by trigger and result.",
    labelNames: ["trigger", "result"] as const,
    registers: [this.registry],
  });
  readonly evalSeconds = new Histogram({
    name: "brink_evaluation_duration_seconds",
    help: "Time to schedule and commit one evaluation.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly evalWaitSeconds = new Histogram({
    name: "brink_evaluation_queue_wait_seconds",
    help: "Time an evaluation waited in the queue before the scheduler took it.",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly schedulerSeconds = new Histogram({
    name: "brink_scheduler_duration_seconds",
    help: "Time the scheduler took to compute one plan (no store, no plan check).",
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly placements = new Counter({
    name: "brink_placements_total",
    help: "Allocations placed on a node.",
    registers: [this.registry],
  });
  readonly preemptions = new Counter({
    name: "brink_preemptions_total",
    help: "Allocations evicted to make room for higher-priority work.",
    registers: [this.registry],
  });
  readonly heartbeats = new Counter({
    name: "brink_heartbeats_total",
    help: "Heartbeats received from agents.",
    registers: [this.registry],
  });
  readonly sessions = new Gauge({
    name: "brink_agent_sessions",
    help: "Open agent sessions.",
    registers: [this.registry],
  });
  readonly sessionsRefused = new Counter({
    name: "brink_agent_sessions_refused_total",
    help: "Agent session attempts refused, by reason (busy: over --max-pending-joins).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: "brink_http_requests_total",
    help: "API requests by method, route and status code.",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly httpSeconds = new Histogram({
    name: "brink_http_request_duration_seconds",
    help: "API request latency by method and route.",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: "brink_events_total",
    help: "Events emitted, by type.",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });
  readonly eventStreams = new Gauge({
    name: "brink_event_streams",
    help: "Open event streams (GET /v1/events/stream).",
    registers: [this.registry],
  });
  readonly storeSeconds = new Histogram({
    name: "brink_store_operation_duration_seconds",
    help: "Store operation latency by operation.",
    labelNames: ["op"] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  /** Agent-session messages since the last scrape, by direction, then type (see `agentMessage`). */
  private readonly messageCounts = {
    in: new Map<string, number>(),
    out: new Map<string, number>(),
  };
  readonly agentMessages = new Counter({
    name: "brink_agent_messages_total",
    help: "Messages on agent sessions, by direction (in: from agents, out: to agents) and type.",
    labelNames: ["direction", "type"] as const,
    registers: [this.registry],
    collect: () => {
      for (const direction of ["in", "out"] as const) {
        const counts = this.messageCounts[direction];
        for (const [type, n] of counts) this.agentMessages.inc({ direction, type }, n);
        counts.clear();
      }
    },
  });

  /**
   * Counts one message on an agent session. Thousands a second go through here at fleet scale,
   * so it only bumps a number in a map; the counter takes the numbers when it is scraped.
   */
  agentMessage(direction: "in" | "out", type: string): void {
    const counts = this.messageCounts[direction];
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "brink_" });
    // Gauges named `_total` break Prometheus conventions (promtool rejects them); the same counts
    // are in `brink_nodejs_active_{handles,requests,resources}` by type.
    for (const name of NON_CONFORMING_DEFAULTS) this.registry.removeSingleMetric(`brink_${name}`);
  }
}

/**
 * The store, with every async operation timed into `brink_store_operation_duration_seconds{op}`
 * (one histogram, the method name as `op`). Errors are timed too, then rethrown.
 */
export function instrumentStore(store: Store, metrics: ServerMetrics): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      return (...args: unknown[]) => {
        const end = metrics.storeSeconds.startTimer({ op: prop });
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) return result.finally(end);
        end();
        return result;
      };
    },
  });
}
