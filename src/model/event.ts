import { z } from "zod";
import { EVENT_TYPES, type EventType } from "./event-types.js";

export { EVENT_TYPES, type EventType };

export const EVENT_SEVERITIES = ["info", "warning", "error"] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

/** One thing that happened in the cluster. `id` grows by one per event and never repeats. */
export interface BrinkEvent {
  id: number;
  /** When it happened (ISO 8601). */
  time: string;
  type: EventType;
  severity?: EventSeverity;
  node?: string;
  nodeName?: string;
  job?: string;
  jobName?: string;
  alloc?: string;
  message: string;
  details?: Record<string, unknown>;
}

/** An event before the event log numbers and timestamps it. */
export type NewEvent = Omit<BrinkEvent, "id" | "time">;

export const eventSchema = z.object({
  id: z.number().int().positive(),
  time: z.string(),
  type: z.enum(EVENT_TYPES),
  severity: z.enum(EVENT_SEVERITIES).optional(),
  node: z.string().optional(),
  nodeName: z.string().optional(),
  job: z.string().optional(),
  jobName: z.string().optional(),
  alloc: z.string().optional(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** What a list or stream of events is narrowed to. All fields are optional and combine with AND. */
export interface EventFilter {
  /** Only events with an id greater than this. */
  since?: number;
  /** Only these types; an entry ending in `.` or `.*` matches a whole group (`node.*`). */
  types?: string[];
  /** Node id. */
  node?: string;
  /** Node name (for a node not known yet: a stream can wait for it). */
  nodeName?: string;
  /** Job id. */
  job?: string;
  /** Job name (for a job not submitted yet). */
  jobName?: string;
  /** Allocation id. */
  alloc?: string;
}

const TYPE_RE = /^[a-z]+(\.([a-z]+|\*))?$/;

/**
 * Parses `type=a,b` into a list, checking each entry is a known type or group (`node.*`, `node`).
 * Throws a message naming the bad entry and the accepted forms.
 */
export function parseEventTypes(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.split(",")) {
    const t = part.trim();
    if (t === "") continue;
    const group = t.endsWith(".*") ? t.slice(0, -2) : t.includes(".") ? undefined : t;
    const known =
      group !== undefined
        ? EVENT_TYPES.some((e) => e.startsWith(`${group}.`))
        : (EVENT_TYPES as readonly string[]).includes(t);
    if (!TYPE_RE.test(t) || !known) {
      throw new Error(
        `unknown event type "${t}": use one of ${EVENT_TYPES.join(", ")}, or a group such as node.* or alloc`,
      );
    }
    out.push(group !== undefined ? `${group}.*` : t);
  }
  return out;
}

/** Whether an event type is selected by a parsed type list (empty or absent = all). */
export function typeSelected(type: string, types: readonly string[] | undefined): boolean {
  if (!types || types.length === 0) return true;
  for (const t of types) {
    if (t === type) return true;
    if (t.endsWith(".*") && type.startsWith(t.slice(0, -1))) return true;
  }
  return false;
}

/** Whether an event passes a filter (the same rule the store's query applies). */
export function eventMatches(e: BrinkEvent, f: EventFilter): boolean {
  if (f.since !== undefined && e.id <= f.since) return false;
  if (f.node !== undefined && e.node !== f.node) return false;
  if (f.job !== undefined && e.job !== f.job) return false;
  if (f.nodeName !== undefined && e.nodeName !== f.nodeName) return false;
  if (f.jobName !== undefined && e.jobName !== f.jobName) return false;
  if (f.alloc !== undefined && e.alloc !== f.alloc) return false;
  return typeSelected(e.type, f.types);
}
