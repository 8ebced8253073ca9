import { z } from "zod";
import { type AgentMessage, ALLOC_STATUSES, HEALTH_STATES } from "../../model/index.js";

const resources = z.object({ cpu: z.number(), memory: z.number(), disk: z.number() });

export const fingerprintSchema = z.object({
  resources,
  arch: z.string(),
  os: z.string(),
  kernel: z.string(),
  hostname: z.string(),
  cpuModel: z.string(),
  gpus: z.array(z.object({ model: z.string(), memory: z.number(), uuid: z.string().optional() })),
  drivers: z.array(z.string()),
});

const report = z.object({
  allocId: z.string(),
  status: z.enum(ALLOC_STATUSES).exclude(["lost", "unknown"]),
  exitCode: z.number().nullable().optional(),
  signal: z.string().nullable().optional(),
  reason: z.string().optional(),
  restarts: z.number().optional(),
  ports: z
    .array(
      z.object({
        name: z.string(),
        port: z.int().min(1).max(65535),
        to: z.int().min(1).max(65535).optional(),
      }),
    )
    .max(64)
    .optional(),
  health: z.enum(HEALTH_STATES).optional(),
});

/** Reports one `alloc-statuses` message may carry (an agent sends what changed in one moment). */
export const MAX_REPORTS_PER_MESSAGE = 10_000;

const peerReport = z.object({ ok: z.boolean(), rttMs: z.number().nullable() });

/** A desired-state acknowledgement, alone (`ack`) or carried by a report or heartbeat. */
const syncPoint = z.object({ epoch: z.string(), seq: z.int() });

const message = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("hello"),
    fingerprint: fingerprintSchema,
    allocs: z.array(report),
    peer: z.object({ host: z.string().nullable(), port: z.int().min(1).max(65535) }).optional(),
    sync: syncPoint.optional(),
  }),
  z.object({
    type: z.literal("heartbeat"),
    peers: z.record(z.string(), peerReport).optional(),
    serverRttMs: z.number().min(0).optional(),
    ack: syncPoint.optional(),
  }),
  z.object({
    type: z.literal("probe-result"),
    requestId: z.string(),
    nodeId: z.string(),
    ok: z.boolean(),
    rttMs: z.number().nullable(),
  }),
  z.object({
    type: z.literal("alloc-status"),
    report,
    seq: z.int().optional(),
    ack: syncPoint.optional(),
  }),
  z.object({
    type: z.literal("alloc-statuses"),
    reports: z.array(report).max(MAX_REPORTS_PER_MESSAGE),
    seq: z.int().optional(),
    ack: syncPoint.optional(),
  }),
  z.object({ type: z.literal("ack"), ...syncPoint.shape }),
  z.object({ type: z.literal("resync") }),
  z.object({
    type: z.literal("logs-result"),
    requestId: z.string(),
    ok: z.boolean(),
    data: z.string().optional(),
    error: z.string().optional(),
  }),
]);

/** Parses and validates one agent message; `undefined` when it is not one. */
export function parseAgentMessage(data: unknown): AgentMessage | undefined {
  try {
    const text = Buffer.isBuffer(data) ? data.toString("utf8") : String(data);
    const parsed = message.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    const msg = parsed.data;
    if (msg.type !== "logs-result") return msg as AgentMessage;
    return msg.ok
      ? { type: "logs-result", requestId: msg.requestId, ok: true, data: msg.data ?? "" }
      : { type: "logs-result", requestId: msg.requestId, ok: false, error: msg.error ?? "unknown" };
  } catch {
    return undefined;
  }
}
