import { describe, expect, it } from "vitest";
import { seededRandom } from "../src/scheduler/random.js";
import {
  issuesText,
  POLICIES,
  parseScenario,
  parseScenarioYaml,
  type Scenario,
  simulate,
} from "../src/sim/index.js";
import { maxMinFairShare, TopologyGraph } from "../src/topology/index.js";

// biome-ignore lint/suspicious/noExplicitAny: test documents are patched freely to make them invalid
type Doc = any;

const NO_FILES = { workflows: new Map(), traces: new Map() };

function scenario(doc: Record<string, unknown>): Scenario {
  const parsed = parseScenario(doc);
  if (!parsed.ok) throw new Error(issuesText(parsed.issues));
  return parsed.value;
}

const EDGE_CLOUD = `
seed: 7
duration: 300
cluster:
  sites:
    - name: edge-a
      nodes:
        - { name: e, count: 10, cpu: 4000, memory: 8192, speed: 1.0, slots: 4,
            power: { idleW: 6, busyW: 15 }, labels: { tier: edge } }
    - name: cloud
      nodes: [{ name: c, count: 2, cpu: 32000, memory: 131072, speed: 4.0, slots: 32, power: { idleW: 100, busyW: 250 } }]
  links:
    - { from: edge-a, to: cloud, latencyMs: 40, bandwidthMbps: 100 }
  intraSite: { latencyMs: 1, bandwidthMbps: 1000 }
workloads:
  - name: sensors
    arrivals: { type: poisson, ratePerSec: 25 }
    origin: site:edge-a
    task:
      work: { dist: exponential, mean: 0.2 }
      cpu: 500
      memory: 128
      inputBytes: 200000
      outputBytes: 2000
      deadlineMs: 500
failures:
  - { at: 100, node: e-3, kind: crash, recoverAfter: 60 }
  - { at: 200, site: edge-a, kind: partition, duration: 30 }
  - { mtbfSec: 1000, mttrSec: 60, nodes: "label:tier=edge" }
policies: [brink, binpack, spread, random, round_robin, least_loaded, latency_greedy]
`;

function edgeCloud(): Scenario {
  const parsed = parseScenarioYaml(EDGE_CLOUD);
  if (!parsed.ok) throw new Error(issuesText(parsed.issues));
  return parsed.value;
}

describe("brink sim: determinism", () => {
  it("the same seed gives identical results for every policy; another seed gives others", () => {
    const sc = edgeCloud();
    for (const policy of POLICIES) {
      const a = simulate(sc, NO_FILES, { policy });
      const b = simulate(sc, NO_FILES, { policy });
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      expect(a.result.tasks).toBeGreaterThan(7_000);
      expect(a.result.reschedules, policy).toBeGreaterThan(0);
    }
    const other = simulate({ ...sc, seed: 8 }, NO_FILES, { policy: "brink" });
    expect(other.result.tasks).not.toBe(simulate(sc, NO_FILES, { policy: "brink" }).result.tasks);
  });

  it("every policy sees the same arrivals (common random numbers)", () => {
    const sc = edgeCloud();
    const tasks = new Set(
      POLICIES.map((policy) => simulate(sc, NO_FILES, { policy }).result.tasks),
    );
    expect(tasks.size).toBe(1);
  });
});

describe("brink sim: scenario validation", () => {
  const bad = (patch: (doc: Doc) => void) => {
    const doc = JSON.parse(
      JSON.stringify({
        duration: 10,
        cluster: { sites: [{ name: "a", nodes: [{ name: "n", cpu: 1000, memory: 1024 }] }] },
        workloads: [
          {
            name: "w",
            arrivals: { type: "poisson", ratePerSec: 1 },
            origin: "site:a",
            task: { work: { dist: "fixed", value: 1 } },
          },
        ],
      }),
    );
    patch(doc);
    const parsed = parseScenario(doc);
    return parsed.ok ? "" : issuesText(parsed.issues);
  };

  it("names the path and what is expected", () => {
    expect(bad(() => {})).toBe("");
    expect(bad((d) => (d.workloads[0].arrivals.ratePerSec = -3))).toBe(
      "workloads[0].arrivals.ratePerSec: expected a positive number",
    );
    expect(bad((d) => (d.workloads[0].task.work = { dist: "gamma", mean: 1 }))).toContain(
      "workloads[0].task.work.dist: expected dist: fixed {value}, exponential {mean}",
    );
    expect(bad((d) => delete d.duration)).toBe("duration: expected a positive number");
    expect(
      bad((d) => (d.cluster.links = [{ from: "a", to: "b", latencyMs: 1, bandwidthMbps: 10 }])),
    ).toBe('cluster.links[0].to: unknown site "b"; sites: a');
    expect(bad((d) => (d.workloads[0].origin = "site:nowhere"))).toBe(
      'workloads[0].origin: unknown site "nowhere"',
    );
    expect(bad((d) => (d.policies = ["fastest"]))).toContain("policies[0]");
    expect(bad((d) => (d.extra = 1))).toContain("extra");
    expect(bad((d) => (d.cluster.sites[0].nodes[0].slots = 1.5))).toBe(
      "cluster.sites[0].nodes[0].slots: expected a whole number ≥ 1",
    );
  });

  it("reports a YAML syntax error", () => {
    const parsed = parseScenarioYaml("duration: [1,");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues[0]?.path).toBe("(yaml)");
  });
});

describe("brink sim: network and failures", () => {
  /** Requests from site `a` can run only in site `b`, over one link. */
  const linked = (extra: Record<string, unknown> = {}) =>
    scenario({
      seed: 1,
      duration: 100,
      cluster: {
        sites: [
          { name: "a", nodes: [{ name: "gw", cpu: 1, memory: 1, slots: 1 }] },
          { name: "b", nodes: [{ name: "n", count: 2, cpu: 4000, memory: 4096, slots: 1 }] },
        ],
        links: [{ from: "a", to: "b", latencyMs: 10, bandwidthMbps: 8 }],
      },
      workloads: [0, 1].map((i) => ({
        name: `w${i}`,
        arrivals: { type: "trace", file: "t" },
        origin: "site:a",
        task: { work: { dist: "fixed", value: 0.5 }, cpu: 100, inputBytes: 1_000_000 },
      })),
      policies: ["least_loaded"],
      ...extra,
    });

  it("two transfers share a link max-min fairly (each gets half)", () => {
    const sc = linked();
    const one = simulate(
      sc,
      { workflows: new Map(), traces: new Map([["t", [0]]]) },
      { policy: "least_loaded" },
    );
    // Each of the two requests: 10 ms, then 1 MB at 4 Mbit/s (half of 8) = 2 s, 0.5 s work, 10 ms back.
    expect(one.result.completed).toBe(2);
    expect(one.result.meanLatency).toBeCloseTo(0.01 + 2 + 0.5 + 0.01, 6);
    expect(one.result.networkBytes).toBe(2_000_000);
    const apart = simulate(
      sc,
      { workflows: new Map(), traces: new Map([["t", [0, 10]]]) },
      { policy: "least_loaded" },
    );
    // Apart in time nobody shares: 1 s each at the full 8 Mbit/s (the first two still share).
    expect(apart.result.p99Latency).toBeCloseTo(2.52, 6);
    expect(apart.result.p50Latency).toBeCloseTo(2.52, 6);
  });

  it("a partition stalls transfers over the cut link until it heals", () => {
    const sc = linked({ failures: [{ at: 0.5, site: "b", kind: "partition", duration: 5 }] });
    const r = simulate(
      sc,
      { workflows: new Map(), traces: new Map([["t", [0]]]) },
      { policy: "least_loaded" },
    );
    // 0.5 s of transfer before the cut (0.49 s at 4 Mbit/s), the rest after it heals at 5.5 s.
    expect(r.result.completed).toBe(2);
    expect(r.result.meanLatency).toBeCloseTo(5.5 + (2 - 0.49) + 0.5 + 0.01, 6);
  });

  it("a crashed node's work is replaced after the detection delay and counted", () => {
    const sc = scenario({
      seed: 1,
      duration: 50,
      cluster: {
        sites: [{ name: "s", nodes: [{ name: "n", count: 2, cpu: 1000, memory: 1024, slots: 1 }] }],
      },
      workloads: [
        {
          name: "w",
          arrivals: { type: "trace", file: "t" },
          origin: "site:s",
          task: { work: { dist: "fixed", value: 10 } },
        },
      ],
      failures: [{ at: 5, node: "n-0", kind: "crash" }],
      jobPolicies: { detectSec: 2.5 },
    });
    const r = simulate(
      sc,
      { workflows: new Map(), traces: new Map([["t", [0, 0]]]) },
      { policy: "brink" },
    );
    expect(r.result.completed).toBe(2);
    expect(r.result.reschedules).toBe(1);
    // Lost at 5 s, judged down at 7.5 s, the other node is busy until 10.001 s (1 ms input, 10 s work): the replacement starts 1 ms later.
    expect(r.result.meanRecoverySec).toBeCloseTo(5.002, 6);
    expect(r.result.p99Latency).toBeCloseTo(20.003, 6);
  });

  it("a task that fails restarts on its node, then is rescheduled once, then fails for good", () => {
    const sc = scenario({
      seed: 1,
      duration: 100,
      cluster: {
        sites: [{ name: "s", nodes: [{ name: "n", count: 2, cpu: 1000, memory: 1024, slots: 1 }] }],
      },
      workloads: [
        {
          name: "w",
          arrivals: { type: "trace", file: "t" },
          origin: "site:s",
          task: { work: { dist: "fixed", value: 1 }, failureProb: 1, deadlineMs: 1000 },
        },
      ],
      jobPolicies: {
        restartAttempts: 2,
        restartDelaySec: 1,
        rescheduleAttempts: 1,
        rescheduleDelaySec: 5,
      },
    });
    const r = simulate(
      sc,
      { workflows: new Map(), traces: new Map([["t", [0]]]) },
      { policy: "brink" },
    );
    expect(r.result).toMatchObject({
      tasks: 1,
      completed: 0,
      failed: 1,
      reschedules: 1,
      deadlineMissRate: 1,
    });
  });
});

describe("max-min fair share with counted flows", () => {
  it("an entry with count k gets the same per-flow rate as k listed flows", () => {
    const random = seededRandom(42);
    for (let trial = 0; trial < 200; trial++) {
      const graph = new TopologyGraph();
      const places = ["a", "b", "c", "d", "e"];
      for (let i = 1; i < places.length; i++)
        graph.addLink(places[0] as string, places[i] as string, {
          latencyMs: 1,
          bandwidthMbps: 1 + Math.floor(random() * 100),
        });
      const routes = [
        ["b", "a", "c"],
        ["c", "a", "d"],
        ["d", "a", "b"],
        ["e", "a", "b"],
        ["b", "a"],
      ];
      const grouped = routes.map((path, i) => ({
        id: `g${i}`,
        path,
        count: 1 + Math.floor(random() * 5),
      }));
      const listed = grouped.flatMap((g) =>
        Array.from({ length: g.count }, (_, k) => ({ id: `${g.id}-${k}`, path: g.path })),
      );
      const a = maxMinFairShare(graph, grouped);
      const b = maxMinFairShare(graph, listed);
      for (const g of grouped) expect(a.get(g.id)).toBeCloseTo(b.get(`${g.id}-0`) as number, 9);
    }
  });
});
