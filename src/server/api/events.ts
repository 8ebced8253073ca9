import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  BrinkError,
  type BrinkEvent,
  type EventFilter,
  parseEventTypes,
} from "../../model/index.js";
import type { EventQuery } from "../../store/index.js";
import type { ControlPlane } from "../control-plane.js";
import type { EventLog } from "../events.js";
import type { ServerMetrics } from "../metrics.js";
import { MAX_PAGE } from "./paginate.js";

/** `GET /v1/events` query string (all optional; filters combine with AND). */
export const eventQuerySchema = z.strictObject({
  since: z.string().optional().describe("only events with an id greater than this"),
  type: z
    .string()
    .optional()
    .describe("comma-separated types or groups: node.down,alloc.* (or alloc)"),
  node: z.string().optional().describe("node id or name"),
  job: z.string().optional().describe("job id or name"),
  alloc: z.string().optional().describe("allocation id"),
  limit: z.string().optional().describe(`page size, 1-${MAX_PAGE} (default 1000)`),
  cursor: z.string().optional().describe("X-Next-Cursor of the previous page"),
  latest: z
    .string()
    .optional()
    .describe("the newest N matching events instead of the oldest (no paging)"),
  token: z.string().optional().describe("the token, for clients that cannot set headers"),
});
type EventQueryString = z.infer<typeof eventQuerySchema>;

/** A page when the client names no `limit`. */
export const DEFAULT_EVENT_PAGE = 1000;
/** A comment line keeps proxies and the client's dead-connection detection happy. */
export const SSE_HEARTBEAT_MS = 15_000;
/** A stream that falls this far behind is closed; the client replays from `Last-Event-ID`. */
const MAX_BUFFERED_BYTES = 4 << 20;

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new BrinkError(
      "BAD_REQUEST",
      `${name} must be a whole number from ${min} to ${max}, not "${raw}"`,
    );
  }
  return n;
}

function parseQuery(raw: unknown): EventQueryString {
  const parsed = eventQuerySchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "query";
    throw new BrinkError(
      "BAD_REQUEST",
      `bad event query (${where}): ${issue?.message ?? "invalid"}; accepted: ${Object.keys(eventQuerySchema.shape).join(", ")}`,
    );
  }
  return parsed.data;
}

/** The filter a query names; node and job names are resolved to ids. */
function filterOf(cp: ControlPlane, q: EventQueryString): EventFilter {
  const f: EventFilter = {};
  if (q.type !== undefined) {
    try {
      const types = parseEventTypes(q.type);
      if (types.length > 0) f.types = types;
    } catch (err) {
      throw new BrinkError("BAD_REQUEST", (err as Error).message);
    }
  }
  // A name not known (yet) is matched as a name: a stream can wait for a job not submitted yet.
  if (q.node !== undefined) {
    const id = cp.nodeIdOf(q.node);
    if (id !== undefined) f.node = id;
    else f.nodeName = q.node;
  }
  if (q.job !== undefined) {
    const id = cp.jobIdOf(q.job);
    if (id !== undefined) f.job = id;
    else f.jobName = q.job;
  }
  if (q.alloc !== undefined) f.alloc = q.alloc;
  return f;
}

async function listPage(
  log: EventLog,
  filter: EventFilter,
  q: EventQueryString,
  reply: FastifyReply,
): Promise<BrinkEvent[]> {
  if (q.latest !== undefined) {
    const limit = wholeNumber("latest", q.latest, 1, MAX_PAGE);
    const since = q.since === undefined ? undefined : wholeNumber("since", q.since, 0, 2 ** 53);
    return log.list({ ...filter, ...(since !== undefined ? { since } : {}), limit, newest: true });
  }
  const from = [q.since, q.cursor]
    .filter((v): v is string => v !== undefined)
    .map((v, i) =>
      wholeNumber(i === 0 && q.since !== undefined ? "since" : "cursor", v, 0, 2 ** 53),
    );
  const since = from.length > 0 ? Math.max(...from) : undefined;
  const limit =
    q.limit === undefined ? DEFAULT_EVENT_PAGE : wholeNumber("limit", q.limit, 1, MAX_PAGE);
  const query: EventQuery = { ...filter, limit: limit + 1 };
  if (since !== undefined) query.since = since;
  const events = await log.list(query);
  if (events.length <= limit) return events;
  const page = events.slice(0, limit);
  reply.header("X-Next-Cursor", String(page.at(-1)?.id));
  return page;
}

function sseFrame(e: BrinkEvent, json: string): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${json}\n\n`;
}

/** Where a stream starts: `Last-Event-ID` (a reconnect) wins over `?since=`; neither = from now. */
function streamStart(req: FastifyRequest, q: EventQueryString, log: EventLog): number {
  const header = req.headers["last-event-id"];
  const last = Array.isArray(header) ? header[0] : header;
  if (last !== undefined && last.trim() !== "")
    return wholeNumber("Last-Event-ID", last, 0, 2 ** 53);
  if (q.since !== undefined) return wholeNumber("since", q.since, 0, 2 ** 53);
  return log.lastId;
}

/**
 * Server-sent events: replays stored events after the start id, then follows live. Subscribes
 * before replaying (events that arrive meanwhile are queued), so none is lost or sent twice.
 */
async function stream(
  req: FastifyRequest,
  reply: FastifyReply,
  log: EventLog,
  filter: EventFilter,
  start: number,
  metrics: ServerMetrics,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  // An `id` with no data dispatches nothing but sets the client's Last-Event-ID: a reconnect
  // before the first event still resumes from here.
  res.write(`retry: 2000\nid: ${start}\n: connected\n\n`);
  let lastSent = start;
  let live = false;
  let closed = false;
  const queued: Array<[BrinkEvent, string]> = [];
  const writable = () => !closed && !res.writableEnded && !res.destroyed;
  const send = (e: BrinkEvent, json: string) => {
    if (!writable() || e.id <= lastSent) return;
    lastSent = e.id;
    res.write(sseFrame(e, json));
    // A client this far behind is cut off; it reconnects and replays from the store.
    if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
  };
  const heartbeat = setInterval(() => {
    if (writable()) res.write(": ping\n\n");
  }, SSE_HEARTBEAT_MS);
  const unsubscribe = log.subscribe({
    filter,
    send: (e, json) => (live ? send(e, json) : queued.push([e, json])),
    end: () => {
      if (writable()) res.end();
    },
  });
  metrics.eventStreams.inc();
  req.raw.once("close", () => {
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    metrics.eventStreams.dec();
  });
  try {
    for (;;) {
      const page = await log.list({ ...filter, since: lastSent, limit: MAX_PAGE });
      for (const e of page) send(e, JSON.stringify(e));
      if (page.length < MAX_PAGE || closed) break;
    }
  } catch (err) {
    req.log.error({ err }, "event stream replay failed");
    res.destroy();
    return;
  }
  for (const [e, json] of queued) send(e, json);
  queued.length = 0;
  live = true;
}

export function eventRoutes(app: FastifyInstance, cp: ControlPlane, metrics: ServerMetrics): void {
  const config = { queryToken: true };
  app.get("/v1/events", { config }, async (req, reply) => {
    const q = parseQuery(req.query);
    return listPage(cp.events, filterOf(cp, q), q, reply);
  });

  app.get<{ Params: { id: string } }>("/v1/jobs/:id/events", { config }, async (req, reply) => {
    const q = parseQuery(req.query);
    const filter = { ...filterOf(cp, q), job: cp.getJob(req.params.id).id };
    return listPage(cp.events, filter, q, reply);
  });

  app.get("/v1/events/stream", { config }, async (req, reply) => {
    const q = parseQuery(req.query);
    const filter = filterOf(cp, q);
    const start = streamStart(req, q, cp.events);
    await stream(req, reply, cp.events, filter, start, metrics);
  });
}
