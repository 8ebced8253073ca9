/** One fleet event as `GET /v1/events` and the SSE stream `GET /v1/events/stream` carry it. */
export interface FleetEvent {
  id: number;
  time: string;
  type: string;
  severity?: "info" | "warning" | "error";
  /** Node id, and its name. */
  node?: string;
  nodeName?: string;
  /** Job id, and its name. */
  job?: string;
  jobName?: string;
  alloc?: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What the dashboard keeps in memory and refetches when an event says it changed. */
export type Topic = "nodes" | "jobs" | "allocs" | "topology";
export const TOPICS: readonly Topic[] = ["nodes", "jobs", "allocs", "topology"];

/** Which lists an event makes stale (an unknown type refreshes everything). */
export function topicsOf(type: string): Topic[] {
  const kind = type.split(".")[0];
  if (kind === "node") return ["nodes", "allocs", "topology", "jobs"];
  if (kind === "alloc") return ["allocs", "jobs", "nodes"];
  if (kind === "job" || kind === "eval") return ["jobs", "allocs"];
  if (kind === "topology" || kind === "link") return ["topology"];
  return [...TOPICS];
}

export function severityOf(e: FleetEvent): "info" | "warning" | "error" {
  if (e.severity) return e.severity;
  if (/\.(failed|down|lost)$/.test(e.type)) return "error";
  if (/\.(suspect|disconnected|preempted|blocked|rescheduled)$/.test(e.type)) return "warning";
  return "info";
}
