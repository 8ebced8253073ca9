import { z } from "zod";
import { CONSTRAINT_OPS } from "./constraint.js";
import { parseBytes, parseDuration } from "./duration.js";
import { LB_POLICIES } from "./service.js";
import { checkWorkflow } from "./workflow-check.js";

/**
 * Job spec v1: the one source of truth for what a user may submit (API, CLI, docs, OpenAPI).
 * This shape is a contract: extend it, do not rename. Every field is documented in
 * docs/job-spec.md.
 */

/** Drivers the spec accepts; an agent advertises which of them it can run. */
export const KNOWN_DRIVERS = ["exec"] as const;
export type DriverName = (typeof KNOWN_DRIVERS)[number];

export const JOB_TYPES = ["service", "batch", "system"] as const;
export type JobType = (typeof JOB_TYPES)[number];

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const name = z
  .string()
  .regex(NAME_RE, "must be 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit");

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `"${v}" is not a duration; use e.g. 500, "500ms", "5s", "2m"`,
    });
    return z.NEVER;
  }
  return ms;
});

const constraintShape = {
  key: z.string().min(1),
  op: z.enum(CONSTRAINT_OPS),
  values: z.array(z.string()).optional(),
  value: z.string().optional(),
};

function checkConstraintValues(
  c: { op: string; values?: string[] | undefined; value?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  const needsValues = c.op !== "exists" && c.op !== "notexists";
  const count = (c.values?.length ?? 0) + (c.value === undefined ? 0 : 1);
  if (needsValues && count === 0) {
    ctx.addIssue({ code: "custom", path: ["values"], message: `op "${c.op}" needs values` });
  }
  if (!needsValues && count > 0) {
    ctx.addIssue({ code: "custom", path: ["values"], message: `op "${c.op}" takes no values` });
  }
}

export const constraintSchema = z.strictObject(constraintShape).superRefine(checkConstraintValues);

const positiveInt = (what: string) =>
  z.int(`${what} must be a whole number`).positive(`${what} must be greater than 0`);

export const gpuRequestSchema = z
  .strictObject({
    count: positiveInt("gpu.count").default(1),
    /** Regular expression the GPU model must match, e.g. "A100|H100". */
    model: z.string().min(1).optional(),
    /** Minimum memory per GPU, MiB. */
    memory: positiveInt("gpu.memory (MiB)").optional(),
  })
  .superRefine((g, ctx) => {
    if (g.model === undefined) return;
    try {
      new RegExp(g.model);
    } catch {
      ctx.addIssue({
        code: "custom",
        path: ["model"],
        message: `"${g.model}" is not a valid regular expression`,
      });
    }
  });

export const resourcesSchema = z.strictObject({
  cpu: positiveInt("cpu (millicores)").default(100),
  memory: positiveInt("memory (MiB)").default(64),
  disk: positiveInt("disk (MiB)").optional(),
  gpu: gpuRequestSchema.optional(),
});

/** A soft constraint: nodes where it holds score `weight` (-100..100; negative = avoid). */
export const affinitySchema = z
  .strictObject({
    ...constraintShape,
    weight: z
      .int()
      .min(-100)
      .max(100)
      .refine((w) => w !== 0, "weight must not be 0")
      .default(50),
  })
  .superRefine(checkConstraintValues);

/** Spread instances over the values of a node label, evenly or by target percentages. */
export const spreadSchema = z
  .strictObject({
    key: z.string().min(1),
    targets: z.record(z.string(), z.number().min(0).max(100)).optional(),
    weight: z.int().min(1).max(100).default(50),
  })
  .superRefine((s, ctx) => {
    const total = Object.values(s.targets ?? {}).reduce((a, b) => a + b, 0);
    if (total > 100)
      ctx.addIssue({
        code: "custom",
        path: ["targets"],
        message: `targets add up to ${total}%, more than 100%`,
      });
  });

export const dataSchema = z.strictObject({
  name,
  /** Bytes; a number or text like "200MB", "1.5GiB". */
  size: z.union([z.number().min(0), z.string()]).transform((v, ctx) => {
    const bytes = parseBytes(v);
    if (bytes === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `"${v}" is not a size; use bytes or e.g. "200MB", "1.5GiB"`,
      });
      return z.NEVER;
    }
    return bytes;
  }),
});

/** A latency bound: `to` is `site:<name>`, `node:<name>` or `label:<key>=<value>`. */
export const latencySchema = z.strictObject({
  to: z
    .string()
    .regex(
      /^(site:.+|node:.+|label:[^=]+=.*)$/,
      'must be "site:<name>", "node:<name>" or "label:<key>=<value>"',
    ),
  maxMs: z.number().positive("maxMs must be greater than 0"),
});

const portName = z
  .string()
  .regex(
    /^[a-zA-Z][a-zA-Z0-9_-]{0,31}$/,
    "port names are 1-32 letters, digits, '-' or '_', starting with a letter",
  );

/** A host port the agent assigns (`BRINK_PORT_<NAME>`); `to` is the port inside a driver's own network namespace. */
export const portSchema = z.strictObject({
  name: portName,
  to: z.int("to must be a whole number").min(1).max(65535).optional(),
});

export const CHECK_TYPES = ["http", "tcp", "exec"] as const;

/** A health check the agent runs against each running allocation. */
export const checkSchema = z
  .strictObject({
    type: z.enum(CHECK_TYPES),
    /** Which port (`http`, `tcp`); default the task's first port. */
    port: portName.optional(),
    /** `http`: the path to GET; 2xx and 3xx answers are healthy. */
    path: z.string().startsWith("/", 'path must start with "/"').default("/"),
    interval: duration.default(1000),
    timeout: duration.default(1000),
    /** `exec`: the command (exit 0 = healthy), run in the allocation's directory with its environment. */
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.interval < 100)
      ctx.addIssue({
        code: "custom",
        path: ["interval"],
        message: "interval must be at least 100ms",
      });
    if (c.timeout < 1)
      ctx.addIssue({ code: "custom", path: ["timeout"], message: "timeout must be at least 1ms" });
    if (c.type === "exec" && c.command === undefined)
      ctx.addIssue({ code: "custom", path: ["command"], message: "an exec check needs a command" });
    if (c.type !== "exec" && c.command !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["command"],
        message: `a ${c.type} check takes no command (use type: exec)`,
      });
  });

/** How agents' load balancers pick among the service's endpoints. */
export const lbSchema = z
  .strictObject({
    policy: z.enum(LB_POLICIES).default("latency"),
    /** `consistent_hash`: the request header whose value picks the endpoint (session affinity). */
    hashHeader: z
      .string()
      .regex(/^[a-zA-Z0-9!#$%&'*+.^_`|~-]+$/, "hashHeader must be an HTTP header name")
      .transform((h) => h.toLowerCase())
      .optional(),
    /**
     * Also forward plain TCP: every agent listens on this port (on its --lb-listen host) and
     * hands each connection to an endpoint (for non-HTTP services).
     */
    tcpPort: z.int("tcpPort must be a whole number").min(1).max(65535).optional(),
  })
  .superRefine((lb, ctx) => {
    if (lb.policy === "consistent_hash" && lb.hashHeader === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["hashHeader"],
        message: 'policy consistent_hash needs hashHeader (e.g. "x-session-id")',
      });
  });

/** Ports, check and service of a task must agree with each other. */
function checkServiceFields(
  t: {
    ports: Array<{ name: string }>;
    check?: { type: string; port?: string | undefined } | undefined;
    service?: string | undefined;
    lb?: unknown;
  },
  ctx: z.RefinementCtx,
): void {
  const names = new Set<string>();
  t.ports.forEach((p, i) => {
    if (names.has(p.name))
      ctx.addIssue({
        code: "custom",
        path: ["ports", i, "name"],
        message: `duplicate port name "${p.name}"`,
      });
    names.add(p.name);
  });
  const needPorts = (path: string, what: string) =>
    ctx.addIssue({
      code: "custom",
      path: [path],
      message: `${what} needs ports: add e.g. "ports: [{name: http}]"`,
    });
  if (t.ports.length === 0) {
    if (t.service !== undefined) needPorts("service", "a service");
    if (t.lb !== undefined) needPorts("lb", "lb");
    if (t.check && t.check.type !== "exec") needPorts("check", `a ${t.check.type} check`);
    return;
  }
  if (t.check?.port !== undefined && !names.has(t.check.port))
    ctx.addIssue({
      code: "custom",
      path: ["check", "port"],
      message: `no port named "${t.check.port}"; ports: ${[...names].join(", ")}`,
    });
}

export const schedulingSchema = z.strictObject({
  /** binpack fills nodes (keeps whole machines free); spread balances load across nodes. */
  algorithm: z.enum(["binpack", "spread"]).default("binpack"),
  /** May this job evict lower-priority allocations when it fits nowhere? */
  preemption: z.boolean().default(true),
});

/** What happens to a job's allocations on a node that is cut off from the control plane. */
export const disconnectSchema = z.strictObject({
  /** How long allocations on a disconnected node stay `unknown` before they are replaced. */
  lostAfter: duration.default(600_000),
  /** Replace them after `lostAfter` (false: leave them `unknown` until the node returns). */
  replace: z.boolean().default(true),
  /** When the node returns and its work was replaced meanwhile: which one keeps running. */
  reconcile: z.enum(["keep_original", "keep_replacement", "best_score"]).default("keep_original"),
});

/** Placing a failed allocation again on another node (after local restarts gave up). */
export const rescheduleSchema = z.strictObject({
  /** Reschedules allowed per instance within `interval` (0 = never). */
  attempts: z.int().min(0).max(1000),
  interval: duration,
  /** Wait before the first reschedule. */
  delay: duration,
  delayFunction: z.enum(["constant", "exponential"]),
  maxDelay: duration,
});

export const restartSchema = z.strictObject({
  attempts: z.int().min(0).max(1000).default(2),
  delay: duration.default(1000),
  mode: z.enum(["fail", "delay"]).default("fail"),
  /** Cap of the restart delay, which doubles with each consecutive failure. */
  maxDelay: duration.optional(),
});

export const execConfigSchema = z.strictObject({
  command: z.string().min(1, "command must not be empty"),
  args: z.array(z.string()).default([]),
  /** Only for hollow (simulated) nodes in scale tests: how long the pretend task runs. */
  durationMs: z.int().min(0).optional(),
});

export const taskSchema = z
  .strictObject({
    name,
    count: z.int().min(0).max(100_000).default(1),
    driver: z.string(),
    config: z.record(z.string(), z.unknown()),
    env: z.record(z.string(), z.string()).default({}),
    resources: resourcesSchema.prefault({}),
    constraints: z.array(constraintSchema).default([]),
    affinities: z.array(affinitySchema).default([]),
    spread: z.array(spreadSchema).default([]),
    /** Hard: no two instances of this task on one node. */
    distinctHosts: z.boolean().default(false),
    restart: restartSchema.optional(),
    killTimeout: duration.default(5000),
    /** Expected run time on a speed-1 node; lets the workflow planner weigh tasks. */
    runtime: duration.optional(),
    /** Workflow: start only when every instance of these tasks completed. */
    after: z.array(name).default([]),
    /** Data this task produces (used to plan transfers) and consumes (by output name). */
    outputs: z.array(dataSchema).default([]),
    inputs: z.array(name).default([]),
    /** Only nodes whose measured (or declared) RTT to the target is within `maxMs`. */
    latency: z.array(latencySchema).default([]),
    /** Host ports the agent assigns, passed as `BRINK_PORT_<NAME>`; the first is the service port. */
    ports: z.array(portSchema).max(32).default([]),
    check: checkSchema.optional(),
    /** The service its healthy running allocations form (default `<job>-<task>`). */
    service: name.optional(),
    /** Load-balancing policy of the service (default `latency`). */
    lb: lbSchema.optional(),
  })
  .superRefine((t, ctx) => {
    checkServiceFields(t, ctx);
    if (!(KNOWN_DRIVERS as readonly string[]).includes(t.driver)) {
      ctx.addIssue({
        code: "custom",
        path: ["driver"],
        message: `unknown driver "${t.driver}"; known drivers: ${KNOWN_DRIVERS.join(", ")}`,
      });
      return;
    }
    const parsed = execConfigSchema.safeParse(t.config);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: "custom", path: ["config", ...issue.path], message: issue.message });
      }
    }
  });

/** Data that exists before the job runs, where it lives: tasks name it in `inputs`. */
export const dataSourceSchema = z.strictObject({
  name,
  /** `node:<name>` or `site:<name>`. */
  at: z.string().regex(/^(node|site):.+$/, 'expected "node:<name>" or "site:<name>"'),
  /** Bytes; a number or text like "200MB", "1.5GiB". */
  size: dataSchema.shape.size,
});

export const jobSpecSchema = z
  .strictObject({
    name,
    type: z.enum(JOB_TYPES).default("service"),
    priority: z.int().min(1).max(100).default(50),
    constraints: z.array(constraintSchema).default([]),
    affinities: z.array(affinitySchema).default([]),
    spread: z.array(spreadSchema).default([]),
    /** Hard: no two instances of this job on one node. */
    distinctHosts: z.boolean().default(false),
    scheduling: schedulingSchema.prefault({}),
    disconnect: disconnectSchema.prefault({}),
    /** How many instances of the job may be moved at once (drains). */
    update: z.strictObject({ maxParallel: z.int().min(1).max(1000).default(1) }).prefault({}),
    /** Defaults depend on the job type, see `defaultReschedule`. */
    reschedule: rescheduleSchema.partial().optional(),
    tasks: z.array(taskSchema).min(1, "a job needs at least one task"),
    /** Declared data sources (data locality): tasks read them by name in `inputs`. */
    data: z.array(dataSourceSchema).default([]),
    meta: z.record(z.string(), z.string()).optional(),
  })
  .superRefine((j, ctx) => {
    checkWorkflow(j.type, j.tasks, ctx, new Set(j.data.map((d) => d.name)));
    const seen = new Set<string>();
    j.tasks.forEach((t, i) => {
      if (seen.has(t.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["tasks", i, "name"],
          message: `duplicate task name "${t.name}"`,
        });
      }
      seen.add(t.name);
    });
  });

/** A spec as submitted (before defaults). */
export type JobSpecInput = z.input<typeof jobSpecSchema>;
/** A spec after validation, every default filled in. */
export type JobSpec = z.output<typeof jobSpecSchema>;
export type TaskSpec = JobSpec["tasks"][number];
export type ExecConfig = z.output<typeof execConfigSchema>;
export type RestartPolicy = z.output<typeof restartSchema>;
export type Affinity = z.output<typeof affinitySchema>;
export type Spread = z.output<typeof spreadSchema>;
export type GpuRequest = z.output<typeof gpuRequestSchema>;
export type LatencyConstraint = z.output<typeof latencySchema>;
export type DataSource = z.output<typeof dataSourceSchema>;
export type PortSpec = z.output<typeof portSchema>;
export type CheckSpec = z.output<typeof checkSchema>;
export type LbSpec = z.output<typeof lbSchema>;

export type ReschedulePolicy = z.output<typeof rescheduleSchema>;

/** Reschedule policy of a job: its own fields over the type's defaults (like Nomad's). */
export function reschedulePolicy(
  type: JobType,
  given: Partial<ReschedulePolicy> | undefined,
): ReschedulePolicy {
  const base: ReschedulePolicy =
    type === "batch"
      ? {
          attempts: 1,
          interval: 86_400_000,
          delay: 5000,
          delayFunction: "constant",
          maxDelay: 60_000,
        }
      : {
          attempts: 10,
          interval: 3_600_000,
          delay: 5000,
          delayFunction: "exponential",
          maxDelay: 300_000,
        };
  return { ...base, ...given };
}

/** Delay before reschedule number `attempt` (0-based). */
export function rescheduleDelay(p: ReschedulePolicy, attempt: number): number {
  const d = p.delayFunction === "exponential" ? p.delay * 2 ** attempt : p.delay;
  return Math.min(d, Math.max(p.maxDelay, p.delay));
}

export { defaultRestart } from "./restart-defaults.js";
