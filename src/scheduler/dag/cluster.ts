import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Parsed } from "./problem.js";
import { zodIssues } from "./zod-issues.js";

/** Zod's message for a missing field becomes `missing`; other messages stay. */
function required(missing: string) {
  return {
    error: (issue: { input: unknown }) => (issue.input === undefined ? missing : undefined),
  };
}

const ClusterNode = z.strictObject({
  name: z.string(required("a node needs a name")).min(1, "a node needs a name"),
  speed: z.number().positive("speed must be > 0 (relative: 2 runs tasks twice as fast)").default(1),
  slots: z.number().int().positive("slots must be a whole number ≥ 1").default(1),
});

/** A cluster file: nodes (speed, slots) on one uniform network. */
export const ClusterSchema = z
  .strictObject({
    name: z.string().optional(),
    description: z.string().optional(),
    nodes: z
      .array(ClusterNode, required("list the nodes: [{name, speed, slots}]"))
      .min(1, "list at least one node"),
    network: z.strictObject(
      {
        bandwidthMBps: z
          .number(required("bandwidthMBps is required (MB/s between nodes, MB = 10^6 bytes)"))
          .positive("bandwidthMBps must be > 0 (MB = 10^6 bytes)"),
        latencyMs: z.number().nonnegative("latencyMs must be ≥ 0").default(0),
      },
      required("network is required: {bandwidthMBps, latencyMs}"),
    ),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.nodes.forEach((n, i) => {
      if (seen.has(n.name))
        ctx.addIssue({
          code: "custom",
          path: ["nodes", i, "name"],
          message: `duplicate node name "${n.name}"`,
        });
      seen.add(n.name);
    });
  });

export type Cluster = z.infer<typeof ClusterSchema>;
export type ClusterNode = Cluster["nodes"][number];

/** Checks a parsed cluster document (from YAML or JSON). */
export function parseCluster(doc: unknown): Parsed<Cluster> {
  const checked = ClusterSchema.safeParse(doc);
  return checked.success
    ? { ok: true, value: checked.data, warnings: [] }
    : { ok: false, issues: zodIssues(checked.error) };
}

/** Parses and checks cluster YAML text; a YAML syntax error is an issue with its line. */
export function parseClusterYaml(text: string): Parsed<Cluster> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { ok: false, issues: [{ path: "(yaml)", message: (err as Error).message }] };
  }
  return parseCluster(doc);
}
