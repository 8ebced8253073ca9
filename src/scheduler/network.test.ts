import { describe, expect, it } from "vitest";
import { planDag } from "./dag/index.js";
import { inputTransferSec, locateInputs } from "./data-sources.js";
import { ids, testJob, testNode } from "./fixtures.test-util.js";
import {
  INTER_SITE_DEFAULT,
  INTRA_SITE_DEFAULT,
  type NetworkView,
  nodeLink,
  siteLink,
  transferSec,
} from "./network.js";
import { scheduleJob } from "./schedule.js";
import { buildSnapshot } from "./snapshot.js";
import { planWorkflowPlacement } from "./workflow-placement.js";

const a1 = testNode("a1", { site: "a" });
const a2 = testNode("a2", { site: "a" });
const b1 = testNode("b1", { site: "b" });

/** Sites a and b joined by a slow 20 Mbit/s, 30 ms WAN; a1↔a2 measured at 0.4 ms RTT. */
const view: NetworkView = {
  nodeRtt: (x, y) =>
    (x.id === a1.id && y.id === a2.id) || (x.id === a2.id && y.id === a1.id) ? 0.4 : undefined,
  sitePath: (x, y) =>
    (x === "a" && y === "b") || (x === "b" && y === "a")
      ? { latencyMs: 30, bandwidthMbps: 20 }
      : undefined,
};

describe("network estimates", () => {
  it("uses measured RTTs, declared site paths, and LAN/WAN defaults for the rest", () => {
    expect(nodeLink(view, a1, a1).latencyMs).toBe(0);
    expect(nodeLink(view, a1, a2)).toEqual({ latencyMs: 0.2, bandwidthMbps: 1000 });
    expect(nodeLink(view, a1, b1)).toEqual({ latencyMs: 30, bandwidthMbps: 20 });
    expect(siteLink(view, "a", "c")).toEqual(INTER_SITE_DEFAULT);
    expect(siteLink(undefined, "a", "a")).toEqual(INTRA_SITE_DEFAULT);
    // 100 MB over 20 Mbit/s takes 40 s plus the latency.
    expect(transferSec({ latencyMs: 30, bandwidthMbps: 20 }, 100e6)).toBeCloseTo(40.03, 6);
  });

  it("locates inputs at producers' nodes and declared sources, nearest copy first", () => {
    const job = testJob({
      name: "w",
      type: "batch",
      data: [{ name: "archive", at: "site:b", size: "500MB" }],
      tasks: [
        {
          name: "p",
          driver: "exec",
          config: { command: "/bin/true" },
          outputs: [{ name: "frames", size: "100MB" }],
        },
        {
          name: "c",
          driver: "exec",
          config: { command: "/bin/true" },
          after: ["p"],
          inputs: ["frames", "archive"],
        },
      ],
    });
    const [p, c] = job.spec.tasks;
    if (!p || !c) throw new Error("tasks");
    const produced = scheduleJob({
      job,
      allocs: [],
      snapshot: buildSnapshot([a1], []),
      evalId: "e",
      now: "2026-01-01T00:00:00.000Z",
      newId: ids(),
    }).place.map((x) => ({ ...x, status: "complete" as const }));
    const nodes = new Map([a1, a2, b1].map((n) => [n.id, n]));
    const copies = locateInputs(
      job,
      c,
      produced,
      (id) => nodes.get(id),
      (name) => [a1, a2, b1].find((n) => n.name === name),
    );
    expect(copies.map((x) => [x.name, x.bytes, x.nodes.map((n) => n.name), x.sites])).toEqual([
      ["frames", 100e6, ["a1"], []],
      ["archive", 500e6, [], ["b"]],
    ]);
    // On a1: frames are local; the archive crosses the WAN (200 s). On b1: the reverse (40 s + LAN).
    expect(inputTransferSec(copies, a1, view)).toBeCloseTo(200.03, 3);
    expect(inputTransferSec(copies, b1, view)).toBeCloseTo(40.03 + 4.001, 3);
  });

  it("places a task that reads declared data next to it", () => {
    const spec = {
      name: "analyse",
      type: "batch",
      data: [{ name: "video", at: "node:b1", size: "2GB" }],
      tasks: [
        {
          name: "scan",
          driver: "exec",
          config: { command: "/bin/true" },
          inputs: ["video"],
          resources: { cpu: 500, memory: 256 },
        },
      ],
    };
    for (const evalId of ["e1", "e2", "e3", "e4"]) {
      const plan = scheduleJob({
        job: testJob(spec),
        allocs: [],
        snapshot: { ...buildSnapshot([a1, a2, b1], []), network: view },
        evalId,
        now: "2026-01-01T00:00:00.000Z",
        newId: ids(),
      });
      expect(plan.place[0]?.nodeId).toBe(b1.id);
    }
  });
});

describe("workflow placement on the real topology", () => {
  /** One producer feeding two consumers 1 GB each; each task 10 s; one slot per node. */
  const spec = {
    name: "fan",
    type: "batch",
    tasks: [
      {
        name: "src",
        driver: "exec",
        config: { command: "/bin/true" },
        runtime: 10_000,
        resources: { cpu: 4000, memory: 1024 },
        outputs: [
          { name: "x", size: "1GB" },
          { name: "y", size: "1GB" },
        ],
      },
      ...["x", "y"].map((input) => ({
        name: `use-${input}`,
        driver: "exec",
        config: { command: "/bin/true" },
        runtime: 10_000,
        resources: { cpu: 4000, memory: 1024 },
        after: ["src"],
        inputs: [input],
      })),
    ],
  };
  const a = testNode("a", { site: "a" });
  const b = testNode("b", { site: "b" });

  it("splits the consumers over both sites when the link between them is fast", () => {
    const fast: NetworkView = {
      nodeRtt: () => undefined,
      sitePath: () => ({ latencyMs: 1, bandwidthMbps: 10_000 }),
    };
    const plan = planWorkflowPlacement(testJob(spec), [], [a, b], 1, fast);
    expect(new Set([plan.get("use-x#0"), plan.get("use-y#0")]).size).toBe(2);
  });

  it("keeps the consumers with their producer when the WAN would take longer than waiting", () => {
    const slow: NetworkView = {
      nodeRtt: () => undefined,
      sitePath: () => ({ latencyMs: 40, bandwidthMbps: 100 }), // 1 GB: 80 s
    };
    const plan = planWorkflowPlacement(testJob(spec), [], [a, b], 1, slow);
    const home = plan.get("src#0");
    expect(plan.get("use-x#0")).toBe(home);
    expect(plan.get("use-y#0")).toBe(home);
  });
});

describe("DAG planner with a network", () => {
  // a → b carrying 1 GB; a runs only on node 0 (site 0), b only on node 1 (site 1).
  const problem = (bytesPerSec: number) => ({
    tasks: ["a", "b"],
    nodes: [
      { name: "n0", slots: 1 },
      { name: "n1", slots: 1 },
    ],
    cost: [
      [5, 1e9],
      [1e9, 5],
    ],
    edges: [{ from: 0, to: 1, comm: 1, bytes: 1e9 }],
    network: {
      group: [0, 1],
      latencySec: [
        [0.001, 0.05],
        [0.05, 0.001],
      ],
      bytesPerSec: [
        [1e9, bytesPerSec],
        [bytesPerSec, 1e9],
      ],
    },
  });

  it("charges each transfer by the link between the two nodes' groups", () => {
    for (const [bw, makespan] of [
      [1e8, 5 + 0.05 + 10 + 5],
      [1e7, 5 + 0.05 + 100 + 5],
    ] as const) {
      const plan = planDag(problem(bw), {
        algorithm: "heft",
        budgetMs: 0,
        clock: { now: () => 0 },
        random: () => 0.5,
      });
      expect(plan.validation.ok).toBe(true);
      expect(plan.schedule.makespan).toBeCloseTo(makespan, 9);
    }
  });

  it("refuses a network whose matrices do not cover every group", () => {
    const bad = { ...problem(1e8), network: { ...problem(1e8).network, latencySec: [[0]] } };
    expect(() =>
      planDag(bad, { algorithm: "heft", budgetMs: 0, clock: { now: () => 0 }, random: () => 0.5 }),
    ).toThrow(/network.latencySec/);
  });
});
