/* Kept free of zod so the dashboard can import it without pulling the schema library in. */

/**
 * Every kind of event the control plane records, grouped by what it is about. The dashboard's
 * live feed, `brink events` and a job's history are all views of this one stream.
 */
export const EVENT_TYPES = [
  "node.registered",
  "node.ready",
  "node.suspect",
  "node.disconnected",
  "node.down",
  "node.drain",
  "node.eligibility",
  "job.submitted",
  "job.updated",
  "job.stopped",
  "job.complete",
  "job.failed",
  "alloc.placed",
  "alloc.running",
  "alloc.complete",
  "alloc.failed",
  "alloc.lost",
  "alloc.unknown",
  "alloc.rescheduled",
  "alloc.preempted",
  "alloc.stopped",
  "eval.blocked",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
