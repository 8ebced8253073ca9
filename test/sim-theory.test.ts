import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseWfFormat, planWorkflow, type Workflow } from "../src/scheduler/dag/index.js";
import { seedFrom } from "../src/scheduler/random.js";
import {
  buildCluster,
  type PolicyName,
  parseScenario,
  plannerCluster,
  type Scenario,
  simulate,
  workflowPlanOptions,
} from "../src/sim/index.js";

const NO_FILES = { workflows: new Map(), traces: new Map() };

function scenario(doc: Record<string, unknown>): Scenario {
  const parsed = parseScenario(doc);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

/** One site, no network delay: latency is queueing + service only. */
function queue(opts: {
  nodes: number;
  slots: number;
  lambda: number;
  mu: number;
  duration: number;
  seed: number;
}) {
  return scenario({
    seed: opts.seed,
    duration: opts.duration,
    cluster: {
      sites: [
        {
          name: "s",
          nodes: [{ name: "n", count: opts.nodes, cpu: 1000, memory: 1024, slots: opts.slots }],
        },
      ],
      intraSite: { latencyMs: 0, bandwidthMbps: 1000 },
    },
    workloads: [
      {
        name: "w",
        arrivals: { type: "poisson", ratePerSec: opts.lambda },
        origin: "site:s",
        task: { work: { dist: "exponential", mean: 1 / opts.mu } },
      },
    ],
  });
}

/** Erlang C: the probability an arrival waits in an M/M/c queue with offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * c) / (c - a);
  return top / (sum + top);
}

describe("simulator against queueing theory", () => {
  it("M/M/1 (one node, one slot, Poisson arrivals, exponential work): mean latency within 3% of 1/(μ−λ)", () => {
    const lambda = 0.5;
    const mu = 1;
    for (const policy of ["brink", "random"] as PolicyName[]) {
      const { result } = simulate(
        queue({ nodes: 1, slots: 1, lambda, mu, duration: 200_000, seed: 11 }),
        NO_FILES,
        {
          policy,
        },
      );
      const expected = 1 / (mu - lambda);
      expect(result.tasks).toBeGreaterThan(90_000);
      expect(result.completed).toBe(result.tasks);
      expect(Math.abs(result.meanLatency - expected) / expected).toBeLessThan(0.03);
      // Utilisation of the one slot is ρ = λ/μ.
      expect(result.utilization).toBeCloseTo(lambda / mu, 1);
    }
  });

  it("M/M/c: mean latency within 3% of Erlang C's, for c slots on one node and for c one-slot nodes", () => {
    const c = 4;
    const lambda = 3;
    const mu = 1;
    const expected = erlangC(c, lambda / mu) / (c * mu - lambda) + 1 / mu;
    const cases: [number, number, PolicyName][] = [
      [1, c, "brink"],
      [c, 1, "brink"],
      [c, 1, "least_loaded"],
    ];
    for (const [nodes, slots, policy] of cases) {
      const sc = queue({ nodes, slots, lambda, mu, duration: 60_000, seed: 5 });
      const { result } = simulate(sc, NO_FILES, { policy });
      expect(
        Math.abs(result.meanLatency - expected) / expected,
        `${nodes}x${slots} ${policy}`,
      ).toBeLessThan(0.03);
    }
  });
});

const TRACES = join(import.meta.dirname, "..", "..", "shared", "data", "workflows");

function loadTrace(file: string): Workflow {
  const parsed = parseWfFormat(JSON.parse(readFileSync(join(TRACES, file), "utf8")));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

describe("simulator against the offline workflow planner", () => {
  for (const file of [
    "montage-chameleon-2mass-01d-001.json",
    "epigenomics-chameleon-ilmn-1seq-100k-001.json",
  ]) {
    it(`${file}: on a uniform network the simulated makespan equals the planner's`, () => {
      const wf = loadTrace(file);
      const sc = scenario({
        seed: 3,
        duration: 100_000,
        cluster: {
          sites: [
            {
              name: "lab",
              nodes: [
                { name: "a", count: 2, cpu: 4000, memory: 8192, speed: 1, slots: 2 },
                { name: "b", count: 1, cpu: 8000, memory: 8192, speed: 2.5, slots: 1 },
                { name: "c", count: 1, cpu: 16000, memory: 8192, speed: 4, slots: 4 },
              ],
            },
          ],
          intraSite: { latencyMs: 5, bandwidthMbps: 800 },
        },
        workloads: [{ name: "wf", workflow: { wfformat: file } }],
        policies: ["brink"],
      });
      const detail = simulate(
        sc,
        { workflows: new Map([[file, wf]]), traces: new Map() },
        { policy: "brink" },
      );
      const cluster = plannerCluster(buildCluster(sc), [0, 1, 2, 3]);
      const offline = planWorkflow(
        wf,
        cluster,
        workflowPlanOptions(wf.tasks.length, seedFrom("3/wf/0")),
      );
      expect(offline.valid).toBe(true);
      expect(detail.result.completed).toBe(wf.tasks.length);
      expect(detail.result.workflowMakespans).toHaveLength(1);
      expect(detail.result.workflowMakespans[0]).toBeCloseTo(offline.makespan, 4);
      // Placed task by task (no whole-workflow plan), it still respects the planner's lower bound.
      const dynamic = simulate(
        sc,
        { workflows: new Map([[file, wf]]), traces: new Map() },
        { policy: "least_loaded" },
      );
      expect(dynamic.result.completed).toBe(wf.tasks.length);
      expect(dynamic.result.workflowMakespans[0]).toBeGreaterThanOrEqual(offline.lowerBound - 1e-9);
    });
  }
});

describe("a planned workflow when its nodes fail", () => {
  it("tasks of a crashed planned node are placed live and the workflow still finishes", () => {
    const file = "montage-chameleon-2mass-01d-001.json";
    const wf = loadTrace(file);
    const doc = (failures: unknown[]) =>
      scenario({
        seed: 9,
        duration: 20_000,
        cluster: {
          sites: [
            {
              name: "lab",
              nodes: [{ name: "n", count: 4, cpu: 4000, memory: 8192, speed: 1, slots: 2 }],
            },
          ],
          intraSite: { latencyMs: 5, bandwidthMbps: 800 },
        },
        workloads: [{ name: "wf", workflow: { wfformat: file } }],
        failures,
      });
    const inputs = { workflows: new Map([[file, wf]]), traces: new Map() };
    const calm = simulate(doc([]), inputs, { policy: "brink" }).result;
    const hit = simulate(doc([{ at: 20, node: "n-0", kind: "crash" }]), inputs, {
      policy: "brink",
    }).result;
    expect(calm.completed).toBe(wf.tasks.length);
    expect(hit.completed).toBe(wf.tasks.length);
    expect(hit.workflowMakespans).toHaveLength(1);
    expect(hit.reschedules).toBeGreaterThan(0);
    // Losing a node of four (and what ran on it) cannot make the workflow faster.
    expect(hit.workflowMakespans[0]).toBeGreaterThan(calm.workflowMakespans[0] as number);
  });
});
