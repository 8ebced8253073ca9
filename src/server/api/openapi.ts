import { z } from "zod";
import { eventSchema, jobSpecSchema } from "../../model/index.js";
import { joinSchema } from "./nodes.js";

type Op = {
  summary: string;
  body?: "job" | "join";
  text?: boolean;
  query?: string[];
  /** JSON array of events; `sse`: a text/event-stream of them. Both take `?token=` too. */
  events?: "list" | "sse";
};

const EVENT_QUERY = ["since", "type", "node", "job", "alloc", "limit", "cursor", "latest", "token"];

const ROUTES: Record<string, Record<string, Op>> = {
  "/v1/health": { get: { summary: "Liveness of the control plane (no token needed)" } },
  "/v1/nodes/join": {
    post: { summary: "Join a node (join token); returns its node token", body: "join" },
  },
  "/v1/nodes": {
    get: {
      summary: "List nodes (sorted by name); filter and page",
      query: ["status", "site", "limit", "cursor"],
    },
  },
  "/v1/nodes/{id}": { get: { summary: "One node by id or name (admin, or that node's token)" } },
  "/v1/nodes/{id}/eligibility": {
    post: { summary: "Body {eligible}: take the node out of placement (or back); its work stays" },
  },
  "/v1/nodes/{id}/drain": {
    post: {
      summary:
        "Body {deadline}: stop placing on the node and move its work away before the deadline",
    },
  },
  "/v1/jobs": {
    get: {
      summary: "List jobs (sorted by name); filter and page",
      query: ["status", "limit", "cursor"],
    },
    post: {
      summary: "Submit a job (JSON or application/yaml); a new version when the name exists",
      body: "job",
    },
  },
  "/v1/jobs/plan": {
    post: { summary: "Dry run: what the scheduler would do; commits nothing", body: "job" },
  },
  "/v1/jobs/{id}": {
    get: { summary: "One job by id or name" },
    delete: { summary: "Stop a job" },
  },
  "/v1/jobs/{id}/allocations": {
    get: {
      summary: "Allocations of a job (oldest first; sorted by id when paged); filter and page",
      query: ["status", "limit", "cursor"],
    },
  },
  "/v1/jobs/{id}/summary": {
    get: {
      summary: "A job's instances in numbers: wanted, per status, placed and waiting for a node",
    },
  },
  "/v1/jobs/{id}/events": {
    get: {
      summary: "History of a job: its events, oldest first (same query as /v1/events)",
      query: EVENT_QUERY,
      events: "list",
    },
  },
  "/v1/jobs/{id}/versions": { get: { summary: "Stored versions of a job, oldest first" } },
  "/v1/evaluations/{id}": { get: { summary: "One evaluation" } },
  "/v1/allocations": {
    get: {
      summary: "List allocations (sorted by id); filter and page",
      query: ["status", "node", "limit", "cursor"],
    },
  },
  "/v1/allocations/{id}": { get: { summary: "One allocation (id or unique prefix)" } },
  "/v1/allocations/{id}/logs": {
    get: {
      summary: "Log of an allocation, read through the agent session",
      text: true,
      query: ["stream", "tail"],
    },
  },
  "/v1/topology": {
    get: { summary: "Sites, nodes and links: declared figures and measured RTTs" },
  },
  "/v1/topology/links": {
    put: {
      summary: "Replace the declared links [{from, to, latencyMs, bandwidthMbps}] (sites, cloud)",
    },
  },
  "/v1/events": {
    get: {
      summary:
        "Events after `since`, oldest first; filter by type (or group: node.*), node, job, alloc; paged (X-Next-Cursor) or `latest=N`",
      query: EVENT_QUERY,
      events: "list",
    },
  },
  "/v1/events/stream": {
    get: {
      summary:
        "Server-sent events: replays after Last-Event-ID (or `since`), then live; same filters; `: ping` every 15 s; token as Bearer or ?token=",
      query: ["since", "type", "node", "job", "alloc", "token"],
      events: "sse",
    },
  },
  "/v1/services": {
    get: {
      summary:
        "Services (running allocations of tasks with ports) and their endpoints; near=<node> sorts them by RTT from it",
      query: ["near"],
    },
  },
  "/v1/services/{name}": {
    get: {
      summary:
        "One service: endpoints (node, address, port, health, rttMs from near) nearest first",
      query: ["near"],
    },
  },
  "/v1/agent/session": {
    get: { summary: "Agent WebSocket session (node token; Upgrade: websocket)" },
  },
};

const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        details: {
          type: "array",
          items: {
            type: "object",
            properties: { path: { type: "string" }, message: { type: "string" } },
          },
        },
      },
    },
  },
};

function responseContent(op: Op): Record<string, unknown> {
  if (op.text) return { "text/plain": { schema: { type: "string" } } };
  if (op.events === "sse") {
    return {
      "text/event-stream": {
        schema: {
          type: "string",
          description:
            "frames `id: <id>\\nevent: <type>\\ndata: <Event as JSON>\\n\\n`; `: ping` comments",
        },
        "x-event-data": { $ref: "#/components/schemas/Event" },
      },
    };
  }
  if (op.events === "list") {
    return {
      "application/json": {
        schema: { type: "array", items: { $ref: "#/components/schemas/Event" } },
      },
    };
  }
  return { "application/json": {} };
}

function operation(path: string, method: string, op: Op): Record<string, unknown> {
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = (op.query ?? []).map((name) => ({ name, in: "query", schema: { type: "string" } }));
  const out: Record<string, unknown> = {
    summary: op.summary,
    operationId: `${method}${path.replace(/[^a-zA-Z]+(\w)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
    responses: {
      "200": {
        description: "OK",
        content: responseContent(op),
      },
      default: {
        description: "Error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    },
  };
  if (params.length + query.length > 0) out.parameters = [...params, ...query];
  if (path !== "/v1/health")
    out.security = op.events ? [{ bearer: [] }, { token: [] }] : [{ bearer: [] }];
  if (op.body) {
    const ref = { $ref: `#/components/schemas/${op.body === "job" ? "JobSpec" : "JoinRequest"}` };
    const content: Record<string, unknown> = { "application/json": { schema: ref } };
    if (op.body === "job") content["application/yaml"] = { schema: ref };
    out.requestBody = { required: true, content };
  }
  return out;
}

/** The OpenAPI 3.1 document of the `/v1` API (committed as docs/openapi.json; drift is tested). */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, ops] of Object.entries(ROUTES)) {
    paths[path] = Object.fromEntries(
      Object.entries(ops).map(([m, op]) => [m, operation(path, m, op)]),
    );
  }
  return {
    openapi: "3.1.0",
    info: { title: "Brink control plane API", version },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        token: { type: "apiKey", in: "query", name: "token" },
      },
      schemas: {
        Error: errorSchema,
        JobSpec: z.toJSONSchema(jobSpecSchema, { io: "input", unrepresentable: "any" }),
        JoinRequest: z.toJSONSchema(joinSchema, { io: "input", unrepresentable: "any" }),
        Event: z.toJSONSchema(eventSchema, { io: "output", unrepresentable: "any" }),
      },
    },
    paths,
  };
}
