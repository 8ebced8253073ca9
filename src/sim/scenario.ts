import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { pathText } from "../scheduler/dag/zod-issues.js";
import { POLICIES } from "./policy-names.js";

/**
 * The scenario file of `brink sim` (a contract: field names never change). Units: seconds for
 * times, millicores and MiB for resources, bytes for data, ms and Mbit/s for links.
 */

const positive = () =>
  z.number({ error: "expected a positive number" }).positive("expected a positive number");
const nonNegative = () =>
  z.number({ error: "expected a number ≥ 0" }).nonnegative("expected a number ≥ 0");
const count = () =>
  z.int({ error: "expected a whole number ≥ 1" }).positive("expected a whole number ≥ 1");
const name = () =>
  z
    .string({ error: "expected a name" })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "expected a name of letters, digits, '.', '_' or '-'");

const SELECTOR = /^(all|site:.+|node:.+|label:[^=]+=.*)$/;
const selector = () =>
  z
    .string()
    .regex(SELECTOR, 'expected "all", "site:<name>", "node:<name>" or "label:<key>=<value>"');

const PowerSchema = z.strictObject({ idleW: nonNegative(), busyW: nonNegative() });

const NodeGroupSchema = z.strictObject({
  name: name(),
  count: count().default(1),
  cpu: positive(),
  memory: positive(),
  speed: positive().default(1),
  slots: count().default(1),
  power: PowerSchema.default({ idleW: 0, busyW: 0 }),
  labels: z.record(z.string(), z.string()).default({}),
});

const SiteSchema = z.strictObject({
  name: name(),
  /** May be empty: a site can be a pure network hub (a metro ring, an ISP). */
  nodes: z.array(NodeGroupSchema),
});

const LinkSchema = z.strictObject({
  from: name(),
  to: name(),
  latencyMs: nonNegative(),
  bandwidthMbps: positive(),
});

const NetworkSchema = z.strictObject({ latencyMs: nonNegative(), bandwidthMbps: positive() });

const DistSchema = z.discriminatedUnion(
  "dist",
  [
    z.strictObject({ dist: z.literal("fixed"), value: nonNegative() }),
    z.strictObject({ dist: z.literal("exponential"), mean: positive() }),
    z.strictObject({ dist: z.literal("uniform"), min: nonNegative(), max: nonNegative() }),
    z.strictObject({ dist: z.literal("lognormal"), mean: positive(), sd: nonNegative() }),
  ],
  {
    error:
      "expected dist: fixed {value}, exponential {mean}, uniform {min, max} or lognormal {mean, sd}",
  },
);
export type Dist = z.infer<typeof DistSchema>;

const ArrivalsSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("poisson"), ratePerSec: positive() }),
    z.strictObject({ type: z.literal("periodic"), everySec: positive() }),
    z.strictObject({ type: z.literal("trace"), file: z.string().min(1) }),
  ],
  { error: "expected type: poisson {ratePerSec}, periodic {everySec} or trace {file}" },
);

const TaskSchema = z.strictObject({
  work: DistSchema,
  cpu: nonNegative().default(0),
  memory: nonNegative().default(0),
  inputBytes: nonNegative().default(0),
  outputBytes: nonNegative().default(0),
  deadlineMs: positive().optional(),
  /** Extension: chance that one execution fails (then restart, then reschedule). */
  failureProb: z.number().min(0).max(1).default(0),
});

const TaskWorkloadSchema = z.strictObject({
  name: name(),
  arrivals: ArrivalsSchema,
  origin: selector(),
  task: TaskSchema,
});

const WorkflowWorkloadSchema = z.strictObject({
  name: name(),
  workflow: z.strictObject({
    wfformat: z.string().min(1),
    everySec: positive().optional(),
    /** Extension: resources each workflow task holds while it runs. */
    cpu: nonNegative().default(0),
    memory: nonNegative().default(0),
  }),
  origin: selector().optional(),
});

const WorkloadSchema = z.union([TaskWorkloadSchema, WorkflowWorkloadSchema], {
  error: "a workload needs either arrivals + origin + task, or workflow {wfformat, everySec}",
});

const FailureSchema = z.union(
  [
    z.strictObject({
      at: nonNegative(),
      node: name(),
      kind: z.enum(["crash", "partition"]),
      recoverAfter: positive().optional(),
      duration: positive().optional(),
    }),
    z.strictObject({
      at: nonNegative(),
      site: name(),
      kind: z.enum(["crash", "partition"]),
      recoverAfter: positive().optional(),
      duration: positive().optional(),
    }),
    z.strictObject({ mtbfSec: positive(), mttrSec: positive(), nodes: selector() }),
  ],
  {
    error:
      "expected {at, node|site, kind: crash|partition, recoverAfter|duration} or {mtbfSec, mttrSec, nodes}",
  },
);

export { POLICIES, type PolicyName } from "./policy-names.js";

export const ScenarioSchema = z
  .strictObject({
    seed: z.int().default(1),
    duration: positive(),
    cluster: z.strictObject({
      sites: z.array(SiteSchema).min(1, "list at least one site"),
      links: z.array(LinkSchema).default([]),
      intraSite: NetworkSchema.default({ latencyMs: 1, bandwidthMbps: 1000 }),
    }),
    workloads: z.array(WorkloadSchema).min(1, "list at least one workload"),
    failures: z.array(FailureSchema).default([]),
    policies: z
      .array(z.enum(POLICIES))
      .min(1)
      .default([...POLICIES]),
    /** Extension: job policies of the simulated tasks (Brink's job spec fields, in seconds). */
    jobPolicies: z
      .strictObject({
        lostAfterSec: nonNegative().default(600),
        detectSec: nonNegative().default(2.5),
        graceSec: nonNegative().default(10),
        restartAttempts: z.int().min(0).default(3),
        restartDelaySec: nonNegative().default(1),
        rescheduleAttempts: z.int().min(0).default(1),
        rescheduleDelaySec: nonNegative().default(5),
      })
      .prefault({}),
  })
  .superRefine(checkNames);

export type Scenario = z.output<typeof ScenarioSchema>;
export type Workload = Scenario["workloads"][number];
export type TaskWorkload = z.output<typeof TaskWorkloadSchema>;
export type WorkflowWorkload = z.output<typeof WorkflowWorkloadSchema>;
export type Failure = Scenario["failures"][number];
export type NodeGroup = z.output<typeof NodeGroupSchema>;

export function isTaskWorkload(w: Workload): w is TaskWorkload {
  return "arrivals" in w;
}

type Ctx = z.RefinementCtx;

function checkNames(s: z.output<z.ZodObject>, ctx: Ctx): void {
  const sc = s as unknown as Scenario;
  const sites = new Set<string>();
  const nodes = new Set<string>();
  sc.cluster.sites.forEach((site, i) => {
    if (sites.has(site.name))
      ctx.addIssue({
        code: "custom",
        path: ["cluster", "sites", i, "name"],
        message: `duplicate site "${site.name}"`,
      });
    sites.add(site.name);
    site.nodes.forEach((g, j) => {
      if (nodes.has(g.name))
        ctx.addIssue({
          code: "custom",
          path: ["cluster", "sites", i, "nodes", j, "name"],
          message: `duplicate node group "${g.name}" (node names are <group>-<n>)`,
        });
      nodes.add(g.name);
    });
  });
  sc.cluster.links.forEach((l, i) => {
    for (const end of ["from", "to"] as const)
      if (!sites.has(l[end]))
        ctx.addIssue({
          code: "custom",
          path: ["cluster", "links", i, end],
          message: `unknown site "${l[end]}"; sites: ${[...sites].join(", ")}`,
        });
  });
  const ref = (sel: string | undefined, path: (string | number)[]) => {
    if (sel?.startsWith("site:") && !sites.has(sel.slice(5)))
      ctx.addIssue({ code: "custom", path, message: `unknown site "${sel.slice(5)}"` });
  };
  sc.workloads.forEach((w, i) => {
    if (isTaskWorkload(w)) {
      ref(w.origin, ["workloads", i, "origin"]);
      const d = w.task.work;
      if (d.dist === "uniform" && d.max < d.min)
        ctx.addIssue({
          code: "custom",
          path: ["workloads", i, "task", "work", "max"],
          message: "max must be ≥ min",
        });
    } else ref(w.origin, ["workloads", i, "origin"]);
  });
  sc.failures.forEach((f, i) => {
    if ("site" in f && !sites.has(f.site))
      ctx.addIssue({
        code: "custom",
        path: ["failures", i, "site"],
        message: `unknown site "${f.site}"`,
      });
    if ("nodes" in f) ref(f.nodes, ["failures", i, "nodes"]);
  });
}

export interface ScenarioIssue {
  path: string;
  message: string;
}

export type ParsedScenario = { ok: true; value: Scenario } | { ok: false; issues: ScenarioIssue[] };

interface RawIssue {
  code?: string;
  path: PropertyKey[];
  message: string;
  errors?: RawIssue[][];
}

/**
 * A union that matches no branch: report the issues of the branch that came closest (fewest
 * issues), so `workloads[0].arrivals.ratePerSec` is named instead of "no branch matched".
 */
function flatten(issue: RawIssue, prefix: PropertyKey[]): ScenarioIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors && issue.errors.length > 0) {
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
    const keysOnly = closest.every((i) => i.code === "unrecognized_keys");
    if (closest.length > 0 && !keysOnly) return closest.flatMap((i) => flatten(i, path));
  }
  return [{ path: pathText(path), message: issue.message }];
}

/** Checks a parsed scenario document (from YAML or JSON). */
export function parseScenario(doc: unknown): ParsedScenario {
  const checked = ScenarioSchema.safeParse(doc);
  if (checked.success) return { ok: true, value: checked.data };
  return {
    ok: false,
    issues: checked.error.issues.flatMap((i) => flatten(i as unknown as RawIssue, [])),
  };
}

/** Parses scenario YAML text; a YAML syntax error is an issue of its own. */
export function parseScenarioYaml(text: string): ParsedScenario {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { ok: false, issues: [{ path: "(yaml)", message: (err as Error).message }] };
  }
  return parseScenario(doc);
}

/** One issue per line: `path: message`. */
export function issuesText(issues: readonly ScenarioIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("\n");
}
