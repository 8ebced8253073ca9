import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { steppingClock } from "../src/scheduler/dag/fixtures.test-util.js";
import {
  ALGORITHMS,
  type Cluster,
  parseClusterYaml,
  parseWfFormat,
  planWorkflow,
  validateSchedule,
  type Workflow,
  workflowProblem,
} from "../src/scheduler/dag/index.js";
import { seededRandom } from "../src/scheduler/random.js";

const TRACES = join(import.meta.dirname, "..", "..", "shared", "data", "workflows");
const FILES = [
  "montage-chameleon-2mass-01d-001.json",
  "epigenomics-chameleon-ilmn-1seq-100k-001.json",
  "1000genome-chameleon-8ch-250k-001.json",
];

function cluster(slots: number[], network: string): Cluster {
  const speeds = [1, 1.5, 2, 4];
  const nodes = speeds.map((s, i) => `  - {name: n${i}, speed: ${s}, slots: ${slots[i]}}`);
  const parsed = parseClusterYaml(`nodes:\n${nodes.join("\n")}\nnetwork: ${network}\n`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

const CLUSTERS: Record<string, Cluster> = {
  "fast LAN, slots 1-4": cluster([1, 2, 3, 4], "{bandwidthMBps: 1000, latencyMs: 1}"),
  "slow link, slots 4-1": cluster([4, 3, 2, 1], "{bandwidthMBps: 1, latencyMs: 50}"),
};

function load(file: string): Workflow {
  const parsed = parseWfFormat(JSON.parse(readFileSync(join(TRACES, file), "utf8")));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

describe.each(FILES)("trace %s", (file) => {
  const workflow = load(file);

  it("is read whole: every task has a runtime, edges carry bytes", () => {
    expect(workflow.tasks.length).toBeGreaterThan(100);
    expect(workflow.tasks.every((t) => t.runtime > 0)).toBe(true);
    expect(workflow.edges.some((e) => e.bytes > 0)).toBe(true);
  });

  describe.each(Object.keys(CLUSTERS))("on %s", (name) => {
    const c = CLUSTERS[name] as Cluster;
    const problem = workflowProblem(workflow, c);
    const plans = ALGORITHMS.map((algorithm) =>
      planWorkflow(workflow, c, {
        algorithm,
        budgetMs: 250,
        clock: steppingClock(),
        random: seededRandom(1),
      }),
    );

    it("every algorithm's plan passes the validator, with makespan ≥ the lower bound", () => {
      for (const plan of plans) {
        expect(plan.valid, `${plan.algorithm}: ${plan.violations}`).toBe(true);
        const tasks = plan.tasks.map((t) => ({
          task: problem.tasks.indexOf(t.id),
          node: c.nodes.findIndex((n) => n.name === t.node),
          start: t.start,
          finish: t.finish,
        }));
        expect(validateSchedule(problem, tasks, plan.makespan).violations).toEqual([]);
        expect(plan.makespan).toBeGreaterThanOrEqual(plan.lowerBound);
      }
    });

    it("brink is at least as good as HEFT and PEFT", () => {
      const [heft, peft, brink] = plans;
      expect(brink?.heftMakespan).toBe(heft?.makespan);
      expect(brink?.peftMakespan).toBe(peft?.makespan);
      expect(brink?.makespan).toBeLessThanOrEqual(Math.min(heft!.makespan, peft!.makespan));
    });
  });
});
