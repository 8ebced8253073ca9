/**
 * Workflow planner benchmark: every shared WfFormat trace on every example cluster with every
 * algorithm. Prints one JSON line per (trace, cluster, algorithm):
 *   {trace, tasks, cluster, algorithm, makespan, lowerBound, ratio, vsHeft, elapsedMs, valid}
 * Usage: npx tsx bench/workflow-planner.ts [--budget-ms 2000] [--seed 1]
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import {
  ALGORITHMS,
  type Cluster,
  parseClusterYaml,
  parseWfFormat,
  planWorkflow,
  type Workflow,
} from "../src/scheduler/dag/index.js";
import { seededRandom } from "../src/scheduler/random.js";

const ROOT = join(import.meta.dirname, "..");
const TRACES = join(ROOT, "..", "shared", "data", "workflows");
const CLUSTERS = join(ROOT, "examples", "clusters");

const { values } = parseArgs({
  options: {
    "budget-ms": { type: "string", default: "2000" },
    seed: { type: "string", default: "1" },
  },
});
const budgetMs = Number(values["budget-ms"]);
const seed = Number(values.seed);

function files(dir: string, ext: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => join(dir, f));
}

function workflow(file: string): Workflow {
  const parsed = parseWfFormat(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

function cluster(file: string): Cluster {
  const parsed = parseClusterYaml(readFileSync(file, "utf8"));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

for (const traceFile of files(TRACES, ".json")) {
  const wf = workflow(traceFile);
  for (const clusterFile of files(CLUSTERS, ".yaml")) {
    const c = cluster(clusterFile);
    let heftMakespan = Number.NaN;
    for (const algorithm of ALGORITHMS) {
      const started = performance.now();
      const report = planWorkflow(wf, c, {
        algorithm,
        budgetMs,
        clock: { now: () => performance.now() },
        random: seededRandom(seed),
      });
      const elapsedMs = performance.now() - started;
      if (algorithm === "heft") heftMakespan = report.makespan;
      console.log(
        JSON.stringify({
          trace: basename(traceFile, ".json"),
          tasks: wf.tasks.length,
          cluster: basename(clusterFile, ".yaml"),
          algorithm,
          makespan: round(report.makespan),
          lowerBound: round(report.lowerBound),
          ratio: round(report.ratio),
          vsHeft: round(report.makespan / heftMakespan),
          elapsedMs: Math.round(elapsedMs),
          valid: report.valid,
        }),
      );
    }
  }
}
