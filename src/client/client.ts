import type {
  Allocation,
  Evaluation,
  Fingerprint,
  Job,
  NodeView,
  ServiceView,
  Topology,
} from "../model/index.js";
import type { Plan } from "../scheduler/plan.js";
import { ApiError } from "./api-error.js";

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
