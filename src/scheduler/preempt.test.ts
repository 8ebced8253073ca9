import { describe, expect, it } from "vitest";
import type { Allocation, GpuRequest, Node, Resources } from "../model/index.js";
import { testJob, testNode } from "./fixtures.test-util.js";
import { PlacementState } from "./placement-state.js";
import { findPreemption, type PreemptionRequest, victimsOn } from "./preempt.js";
import { buildSnapshot } from "./snapshot.js";

const NOW = "2026-01-01T12:00:00.000Z";
const taskSpec = testJob({
  name: "other",
  tasks: [{ name: "t", driver: "exec", config: { command: "/bin/true" } }],
}).spec.tasks[0]!;

let seq = 0;
/** A running allocation of another job on `node`. */
function held(
  node: Node,
  priority: number,
  cpu: number,
  over: Partial<Allocation> & { memory?: number } = {},
): Allocation {
  const { memory = 256, ...rest } = over;
  const id = `v${++seq}`;
  return {
    id,
    jobId: `job-${id}`,
    jobVersion: 1,
    jobType: "service",
    task: "t",
    taskSpec,
    index: 0,
    nodeId: node.id,
    status: "running",
    desiredStatus: "run",
    resources: { cpu, memory, disk: 0 },
    devices: [],
    priority,
    exitCode: null,
    signal: null,
    reasons: [],
    restarts: 0,
    score: null,
    createdAt: "2026-01-01T11:00:00.000Z",
    updatedAt: "2026-01-01T11:00:00.000Z",
    ...rest,
  };
}

function request(
  priority: number,
  need: Partial<Resources>,
  gpu?: GpuRequest,
  jobId = "job-high",
): PreemptionRequest {
  return {
    jobId,
    priority,
    need: { cpu: 0, memory: 0, disk: 0, ...need },
    gpu,
    nowMs: Date.parse(NOW),
  };
}

const stateOf = (nodes: Node[], allocs: Allocation[]) =>
  new PlacementState(buildSnapshot(nodes, allocs));
const ids = (allocs: readonly Allocation[] | null | undefined) => allocs?.map((a) => a.id) ?? null;

// Every node: 4000 millicores, 8192 MiB.
describe("preemption", () => {
  it("evicts the lowest priority first", () => {
    const n = testNode("a");
    const low = held(n, 10, 2000);
    const mid = held(n, 30, 2000);
    const victims = victimsOn(n, request(50, { cpu: 2000 }), stateOf([n], [mid, low]));
    expect(ids(victims)).toEqual([low.id]);
  });

  it("takes a higher (still lower-than-requester) priority only when the lowest is not enough", () => {
    const n = testNode("a");
    const low = held(n, 10, 1000);
    const mid = held(n, 30, 3000);
    const victims = victimsOn(n, request(50, { cpu: 2000 }), stateOf([n], [mid, low]));
    // low alone frees 1000; mid alone frees 3000 and suffices, so low is spared.
    expect(ids(victims)).toEqual([mid.id]);
  });

  it("prefers one eviction over several of the same priority on a node", () => {
    const n = testNode("a");
    const small1 = held(n, 10, 1000);
    const big = held(n, 10, 2000);
    const small2 = held(n, 10, 1000);
    const victims = victimsOn(n, request(50, { cpu: 2000 }), stateOf([n], [small1, big, small2]));
    expect(ids(victims)).toEqual([big.id]);
  });

  it("drops victims that turn out unnecessary", () => {
    const n = testNode("a");
    // Big in memory (evicted first by size) but the request needs CPU.
    const memHog = held(n, 10, 500, { memory: 7000 });
    const cpuHog = held(n, 10, 3500, { memory: 100 });
    const victims = victimsOn(n, request(50, { cpu: 2000 }), stateOf([n], [memHog, cpuHog]));
    expect(ids(victims)).toEqual([cpuHog.id]);
  });

  it("picks the node whose eviction costs fewest victims", () => {
    const a = testNode("a");
    const b = testNode("b");
    const allocs = [held(a, 10, 2000), held(a, 10, 2000), held(b, 10, 4000)];
    const choice = findPreemption([a, b], request(50, { cpu: 4000 }), stateOf([a, b], allocs));
    expect(choice?.node.id).toBe(b.id);
    expect(ids(choice?.victims)).toEqual([allocs[2]?.id]);
    expect(choice?.cost.slice(0, 2)).toEqual([10, 1]);
  });

  it("prefers evicting lower priority over evicting fewer", () => {
    const a = testNode("a");
    const b = testNode("b");
    const allocs = [held(a, 40, 4000), held(b, 5, 2000), held(b, 5, 2000)];
    const choice = findPreemption([a, b], request(50, { cpu: 4000 }), stateOf([a, b], allocs));
    expect(choice?.node.id).toBe(b.id);
    expect(choice?.victims).toHaveLength(2);
  });

  it("loses the least work: evicts the newest of equal candidates", () => {
    const a = testNode("a");
    const b = testNode("b");
    const old = held(a, 10, 4000, { createdAt: "2025-12-01T00:00:00.000Z" });
    const recent = held(b, 10, 4000, { createdAt: "2026-01-01T11:59:00.000Z" });
    const choice = findPreemption(
      [a, b],
      request(50, { cpu: 1000 }),
      stateOf([a, b], [old, recent]),
    );
    expect(ids(choice?.victims)).toEqual([recent.id]);
    expect(choice?.cost[2]).toBe(60_000);

    const n = testNode("n");
    const older = held(n, 10, 2000, { createdAt: "2026-01-01T00:00:00.000Z" });
    const newer = held(n, 10, 2000, { createdAt: "2026-01-01T11:00:00.000Z" });
    const victims = victimsOn(n, request(50, { cpu: 2000 }), stateOf([n], [older, newer]));
    expect(ids(victims)).toEqual([newer.id]);
  });

  it("never evicts equal or higher priority", () => {
    const n = testNode("a");
    const state = stateOf([n], [held(n, 50, 2000), held(n, 80, 2000)]);
    expect(victimsOn(n, request(50, { cpu: 1000 }), state)).toBeNull();
    expect(findPreemption([n], request(50, { cpu: 1000 }), state)).toBeNull();
    // Equal priority is kept even when a lower one is there but is not enough.
    const m = testNode("m");
    const mixed = stateOf([m], [held(m, 50, 3000), held(m, 10, 1000)]);
    expect(findPreemption([m], request(50, { cpu: 2000 }), mixed)).toBeNull();
  });

  it("never evicts the requesting job's own allocations", () => {
    const n = testNode("a");
    const mine = held(n, 1, 4000, { jobId: "job-high" });
    expect(findPreemption([n], request(50, { cpu: 1000 }), stateOf([n], [mine]))).toBeNull();
  });

  it("returns nothing when even evicting everything allowed would not fit", () => {
    const n = testNode("a");
    const state = stateOf([n], [held(n, 10, 2000)]);
    expect(victimsOn(n, request(50, { cpu: 5000 }), state)).toBeNull();
  });

  // Regression: `fits` in preempt.ts used to start from
  // `freeOn(node, used)`, which clamps a negative free amount to 0. On a node that holds more than
  // its capacity (it re-registered smaller), evicting one 3000 victim then looks like 3000 free
  // while it is really -2000 + 3000 = 1000: the plan evicts too little and over-commits.
  it("counts an over-committed node's deficit before trusting an eviction", () => {
    const n = testNode("a"); // 4000 millicores, holding 6000
    const first = held(n, 10, 3000);
    const second = held(n, 10, 3000);
    const victims = victimsOn(n, request(50, { cpu: 2000 }), stateOf([n], [first, second]));
    expect(ids(victims)?.sort()).toEqual([first.id, second.id].sort());
  });

  it("skips victims this plan already evicted", () => {
    const n = testNode("a");
    const first = held(n, 10, 2000);
    const second = held(n, 20, 2000);
    const state = stateOf([n], [first, second]);
    state.evicted.add(first.id);
    state.release(first, n.id, false);
    // 2000 free after the first eviction: a 3000 request needs the second victim too.
    expect(ids(victimsOn(n, request(50, { cpu: 3000 }), state))).toEqual([second.id]);
  });

  it("frees GPUs: evicts the holder of a matching device, not a bigger CPU user", () => {
    const n = testNode("g", {
      gpus: [
        { model: "T4", memory: 16_000 },
        { model: "A100", memory: 40_000 },
      ],
    });
    const cpuHog = held(n, 10, 3000);
    const t4 = held(n, 10, 200, { devices: ["gpu0"] });
    const a100 = held(n, 10, 200, { devices: ["gpu1"] });
    const state = stateOf([n], [cpuHog, t4, a100]);
    const victims = victimsOn(n, request(50, { cpu: 100 }, { count: 1, model: "A100" }), state);
    expect(ids(victims)).toEqual([a100.id]);
  });
});
