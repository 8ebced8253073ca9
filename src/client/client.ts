import type {
  Allocation,
  BrinkEvent,
  Evaluation,
  Fingerprint,
  Job,
  JobSummary,
  NodeView,
  ServiceView,
  Topology,
} from "../model/index.js";
import type { Plan } from "../scheduler/plan.js";
import { ApiError } from "./api-error.js";
import { readSse } from "./sse.js";

export interface ClientOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:7700 */
  addr: string;
  token?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

export interface JoinAnswer {
  nodeId: string;
  name: string;
  token: string;
}

export type SubmittedJob = Job & { evalId: string };

/** Which events: all fields optional, combined with AND. */
export interface EventStreamQuery {
  /** Only events with an id greater than this. */
  since?: number;
  /** Types or groups: `node.down`, `alloc.*`, `alloc`. */
  type?: string | string[];
  /** Node id or name. */
  node?: string;
  /** Job id or name. */
  job?: string;
  /** Allocation id. */
  alloc?: string;
}

export interface EventListQuery extends EventStreamQuery {
  /** Page size (server default 1000, at most 5000). */
  limit?: number;
  /** `next` of the previous page. */
  cursor?: string;
  /** The newest N matching events instead of the oldest (still oldest first; no paging). */
  latest?: number;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Wait before reconnecting (default 1 s). */
  retryMs?: number;
  /** Reconnect when not even a heartbeat arrived for this long (default 45 s; the server pings every 15 s). */
  idleMs?: number;
  /** Told when the stream (re)opens, and when it drops and will reconnect. */
  onStatus?: (status: "open" | "reconnecting", error?: unknown) => void;
}

function eventParams(q: EventListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    params.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  return params;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

type Body = { json: unknown } | { yaml: string } | undefined;

/** The typed HTTP client of the `/v1` API; the CLI, the web dashboard and tests use only this. */
export class BrinkClient {
  readonly addr: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(opts: ClientOptions) {
    this.addr = opts.addr.replace(/\/+$/, "");
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  withToken(token: string): BrinkClient {
    return new BrinkClient({ addr: this.addr, token, timeoutMs: this.timeoutMs });
  }

  private async request(method: string, path: string, body?: Body): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body && "json" in body) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body.json);
    } else if (body && "yaml" in body) {
      headers["content-type"] = "application/yaml";
      payload = body.yaml;
    }
    let res: Response;
    try {
      res = await fetch(`${this.addr}${path}`, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause =
        err instanceof Error
          ? ((err.cause as Error | undefined)?.message ?? err.message)
          : String(err);
      throw new ApiError(
        0,
        "UNAVAILABLE",
        `cannot reach the Brink server at ${this.addr}: ${cause}`,
      );
    }
    if (!res.ok) throw await toApiError(res);
    return res;
  }

  private async json<T>(method: string, path: string, body?: Body): Promise<T> {
    const res = await this.request(method, path, body);
    return (await res.json()) as T;
  }

  health(): Promise<{ status: string; version: string }> {
    return this.json("GET", "/v1/health");
  }

  join(req: {
    name: string;
    site: string;
    labels: Record<string, string>;
    fingerprint: Fingerprint;
  }) {
    return this.json<JoinAnswer>("POST", "/v1/nodes/join", { json: req });
  }

  listNodes(): Promise<NodeView[]> {
    return this.json("GET", "/v1/nodes");
  }

  /** One page of nodes (`X-Next-Cursor` → `next`), filtered by status and site. */
  async listNodesPage(q: { status?: string; site?: string; limit?: number; cursor?: string }) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    const res = await this.request("GET", `/v1/nodes?${params}`);
    return {
      items: (await res.json()) as NodeView[],
      next: res.headers.get("x-next-cursor") ?? undefined,
    };
  }

  getNode(idOrName: string): Promise<NodeView> {
    return this.json("GET", `/v1/nodes/${encodeURIComponent(idOrName)}`);
  }

  setEligibility(idOrName: string, eligible: boolean): Promise<NodeView> {
    return this.json("POST", `/v1/nodes/${encodeURIComponent(idOrName)}/eligibility`, {
      json: { eligible },
    });
  }

  drainNode(idOrName: string, deadline: string): Promise<NodeView> {
    return this.json("POST", `/v1/nodes/${encodeURIComponent(idOrName)}/drain`, {
      json: { deadline },
    });
  }

  topology(): Promise<Topology> {
    return this.json("GET", "/v1/topology");
  }

  /** Services and their endpoints; `near` (node id or name) sorts endpoints by RTT from it. */
  listServices(near?: string): Promise<ServiceView[]> {
    const q = near ? `?near=${encodeURIComponent(near)}` : "";
    return this.json("GET", `/v1/services${q}`);
  }

  getService(name: string, near?: string): Promise<ServiceView> {
    const q = near ? `?near=${encodeURIComponent(near)}` : "";
    return this.json("GET", `/v1/services/${encodeURIComponent(name)}${q}`);
  }

  setDeclaredLinks(
    links: Array<{ from: string; to: string; latencyMs: number; bandwidthMbps: number }>,
  ) {
    return this.json<typeof links>("PUT", "/v1/topology/links", { json: links });
  }

  /** Submits a job: a parsed object (sent as JSON) or YAML/JSON text (sent as YAML). */
  submitJob(spec: unknown): Promise<SubmittedJob> {
    return this.json(
      "POST",
      "/v1/jobs",
      typeof spec === "string" ? { yaml: spec } : { json: spec },
    );
  }

  planJob(spec: unknown): Promise<Plan> {
    return this.json(
      "POST",
      "/v1/jobs/plan",
      typeof spec === "string" ? { yaml: spec } : { json: spec },
    );
  }

  listJobs(): Promise<Job[]> {
    return this.json("GET", "/v1/jobs");
  }

  getJob(idOrName: string): Promise<Job> {
    return this.json("GET", `/v1/jobs/${encodeURIComponent(idOrName)}`);
  }

  stopJob(idOrName: string): Promise<SubmittedJob> {
    return this.json("DELETE", `/v1/jobs/${encodeURIComponent(idOrName)}`);
  }

  jobAllocations(idOrName: string): Promise<Allocation[]> {
    return this.json("GET", `/v1/jobs/${encodeURIComponent(idOrName)}/allocations`);
  }

  /** Counts of the job's instances per status; cheap to poll while waiting for a rollout. */
  jobSummary(idOrName: string): Promise<JobSummary> {
    return this.json("GET", `/v1/jobs/${encodeURIComponent(idOrName)}/summary`);
  }

  jobVersions(idOrName: string): Promise<Job[]> {
    return this.json("GET", `/v1/jobs/${encodeURIComponent(idOrName)}/versions`);
  }

  getEvaluation(id: string): Promise<Evaluation> {
    return this.json("GET", `/v1/evaluations/${encodeURIComponent(id)}`);
  }

  listAllocations(): Promise<Allocation[]> {
    return this.json("GET", "/v1/allocations");
  }

  getAllocation(id: string): Promise<Allocation> {
    return this.json("GET", `/v1/allocations/${encodeURIComponent(id)}`);
  }

  async allocLogs(
    id: string,
    stream: "stdout" | "stderr" = "stdout",
    tail?: number,
  ): Promise<string> {
    const q = new URLSearchParams({ stream });
    if (tail !== undefined) q.set("tail", String(tail));
    const res = await this.request("GET", `/v1/allocations/${encodeURIComponent(id)}/logs?${q}`);
    return res.text();
  }

  /** One page of events, oldest first (`GET /v1/events`). */
  async listEvents(q: EventListQuery = {}): Promise<BrinkEvent[]> {
    return (await this.listEventsPage(q)).items;
  }

  /** One page of events and the cursor of the next (`undefined` on the last page). */
  async listEventsPage(q: EventListQuery = {}): Promise<{ items: BrinkEvent[]; next?: string }> {
    const res = await this.request("GET", `/v1/events?${eventParams(q)}`);
    const next = res.headers.get("x-next-cursor") ?? undefined;
    return { items: (await res.json()) as BrinkEvent[], ...(next ? { next } : {}) };
  }

  /** The history of a job: its events, oldest first. */
  jobEvents(idOrName: string, q: EventListQuery = {}): Promise<BrinkEvent[]> {
    return this.json("GET", `/v1/jobs/${encodeURIComponent(idOrName)}/events?${eventParams(q)}`);
  }

  /**
   * Follows `GET /v1/events/stream` until `signal` aborts, calling `onEvent` per event in id
   * order. A dropped or silent connection is reopened with `Last-Event-ID`, so the server replays
   * what was missed and no event is seen twice. Refusals (bad token, bad filter) reject at once.
   */
  async streamEvents(
    q: EventStreamQuery,
    onEvent: (event: BrinkEvent) => void,
    opts: StreamOptions = {},
  ): Promise<void> {
    const { since, ...filter } = q;
    let last = since;
    const path = `/v1/events/stream?${eventParams(filter)}`;
    while (!opts.signal?.aborted) {
      try {
        await this.streamOnce(
          path,
          last,
          opts,
          (e) => {
            last = e.id;
            onEvent(e);
          },
          (id) => {
            last = id;
          },
        );
      } catch (err) {
        if (opts.signal?.aborted) return;
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) throw err;
        opts.onStatus?.("reconnecting", err);
      }
      if (!opts.signal?.aborted) await sleep(opts.retryMs ?? 1000, opts.signal);
    }
  }

  /** One connection of `streamEvents`; resolves when the server ends it. */
  private async streamOnce(
    path: string,
    last: number | undefined,
    opts: StreamOptions,
    onEvent: (event: BrinkEvent) => void,
    onId: (id: number) => void,
  ): Promise<void> {
    const ctrl = new AbortController();
    const abort = () => ctrl.abort();
    opts.signal?.addEventListener("abort", abort, { once: true });
    const idleMs = opts.idleMs ?? 45_000;
    let idle = setTimeout(abort, idleMs);
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (last !== undefined) headers["last-event-id"] = String(last);
    try {
      const res = await fetch(`${this.addr}${path}`, { headers, signal: ctrl.signal });
      if (!res.ok) throw await toApiError(res);
      if (!res.body) throw new ApiError(0, "UNAVAILABLE", "event stream has no body");
      opts.onStatus?.("open");
      await readSse(
        res.body,
        (frame) => {
          clearTimeout(idle);
          idle = setTimeout(abort, idleMs);
          if (frame.data !== undefined) onEvent(JSON.parse(frame.data) as BrinkEvent);
          else if (frame.id !== undefined && /^\d+$/.test(frame.id)) onId(Number(frame.id));
        },
        () => {
          clearTimeout(idle);
          idle = setTimeout(abort, idleMs);
        },
      );
    } finally {
      clearTimeout(idle);
      opts.signal?.removeEventListener("abort", abort);
    }
  }

  async metrics(): Promise<string> {
    return (await this.request("GET", "/metrics")).text();
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { code: string; message: string; details?: [] } };
    if (body.error) {
      return new ApiError(
        res.status,
        body.error.code,
        body.error.message,
        body.error.details ?? [],
      );
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(res.status, "HTTP_ERROR", `HTTP ${res.status}: ${text.slice(0, 200)}`);
}
