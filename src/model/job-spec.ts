import { z } from "zod";
import { CONSTRAINT_OPS } from "./constraint.js";
import { parseDuration } from "./duration.js";

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

export const constraintSchema = z
  .strictObject({
    key: z.string().min(1),
    op: z.enum(CONSTRAINT_OPS),
    values: z.array(z.string()).optional(),
    value: z.string().optional(),
  })
  .superRefine((c, ctx) => {
    const needsValues = c.op !== "exists" && c.op !== "notexists";
    const count = (c.values?.length ?? 0) + (c.value === undefined ? 0 : 1);
    if (needsValues && count === 0) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `op "${c.op}" needs values` });
    }
    if (!needsValues && count > 0) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `op "${c.op}" takes no values` });
    }
  });

const positiveInt = (what: string) =>
  z.int(`${what} must be a whole number`).positive(`${what} must be greater than 0`);

export const resourcesSchema = z.strictObject({
  cpu: positiveInt("cpu (millicores)").default(100),
  memory: positiveInt("memory (MiB)").default(64),
  disk: positiveInt("disk (MiB)").optional(),
});

export const restartSchema = z.strictObject({
  attempts: z.int().min(0).max(1000).default(2),
  delay: duration.default(1000),
  mode: z.enum(["fail", "delay"]).default("fail"),
});

export const execConfigSchema = z.strictObject({
  command: z.string().min(1, "command must not be empty"),
  args: z.array(z.string()).default([]),
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
    restart: restartSchema.optional(),
    killTimeout: duration.default(5000),
  })
  .superRefine((t, ctx) => {
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

export const jobSpecSchema = z
  .strictObject({
    name,
    type: z.enum(JOB_TYPES).default("service"),
    priority: z.int().min(1).max(100).default(50),
    constraints: z.array(constraintSchema).default([]),
    tasks: z.array(taskSchema).min(1, "a job needs at least one task"),
    meta: z.record(z.string(), z.string()).optional(),
  })
  .superRefine((j, ctx) => {
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

/** Restart policy when a task does not give one (batch tasks retry more, like Nomad). */
export function defaultRestart(type: JobType): RestartPolicy {
  return type === "batch"
    ? { attempts: 3, delay: 1000, mode: "fail" }
    : { attempts: 2, delay: 1000, mode: "fail" };
}
