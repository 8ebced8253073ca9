import type { BrinkEvent } from "../../../src/model/event.js";

/** One fleet event as `GET /v1/events` and the SSE stream `GET /v1/events/stream` carry it. */
export type FleetEvent = BrinkEvent;

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
