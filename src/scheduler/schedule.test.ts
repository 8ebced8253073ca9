import { describe, expect, it } from "vitest";
import type { Allocation } from "../model/index.js";
import { ids, testJob, testNode } from "./fixtures.test-util.js";
import { scheduleJob } from "./schedule.js";
import { buildSnapshot } from "./snapshot.js";

const NOW = "2026-01-01T00:00:00.000Z";
const task = (over: object = {}) => ({
  name: "t",
  driver: "exec",
  config: { command: "/bin/true" },
  resources: { cpu: 1000, memory: 1024 },
  ...over,
});

function run(jobSpec: object, nodes = [testNode("a"), testNode("b")], allocs: Allocation[] = []) {
  const job = testJob(jobSpec);
  return scheduleJob({
    job,
    allocs,
    snapshot: buildSnapshot(nodes, allocs),
    evalId: "eval-1",
    now: NOW,
    newId: ids(),
  });
}

describe("scheduleJob", () => {
  it("places every instance and records the winning score", () => {
    const plan = run({ name: "j", tasks: [task({ count: 3 })] });
    expect(plan.place).toHaveLength(3);
    expect(plan.place.every((a) => a.nodeId !== null)).toBe(true);
    expect(plan.place.map((a) => a.index)).toEqual([0, 1, 2]);
    expect(plan.place[0]?.score?.["bin-pack"]).toBeGreaterThan(0);
    expect(plan.unplaced).toEqual({});
  });

  it("bin-packs onto the fuller node", () => {
    const first = run({ name: "a", tasks: [task()] });
    const held = first.place.map((a) => ({ ...a, status: "running" as const }));
    const job = testJob({ name: "b", tasks: [task()] });
    const nodes = [testNode("a"), testNode("b")];
    const plan = scheduleJob({
      job,
      allocs: [],
      snapshot: buildSnapshot(nodes, held),
      evalId: "other-eval",
      now: NOW,
      newId: ids(),
    });
    expect(plan.place[0]?.nodeId).toBe(held[0]?.nodeId);
  });

  it("spreads replicas of one task over nodes (anti-affinity)", () => {
    const plan = run({ name: "j", tasks: [task({ count: 2 })] });
    expect(plan.place[0]?.nodeId).not.toBe(plan.place[1]?.nodeId);
  });

  it("explains why nothing fits, per filter", () => {
    const nodes = [
      testNode("a", { labels: { zone: "c" } }),
      testNode("b", { labels: { zone: "d" } }),
      testNode("c", { labels: { zone: "a" }, resources: { cpu: 4000, memory: 512, disk: 1 } }),
    ];
    const plan = run(
      {
        name: "j",
        constraints: [{ key: "zone", op: "in", values: ["a", "b"] }],
        tasks: [task()],
      },
      nodes,
    );
    expect(plan.place).toHaveLength(1);
    expect(plan.place[0]?.nodeId).toBeNull();
    expect(plan.place[0]?.status).toBe("pending");
    expect(plan.unplaced.t).toEqual([
      "3 nodes: 2 filtered by constraint zone in [a,b], 1 exhausted memory",
    ]);
  });

  it("does not place on down, drained or driverless nodes", () => {
    const nodes = [
      testNode("a", { status: "down" }),
      testNode("b", { eligible: false }),
      testNode("c", { drivers: [] }),
    ];
    const plan = run({ name: "j", tasks: [task()] }, nodes);
    expect(plan.unplaced.t?.[0]).toContain("1 not ready (down)");
    expect(plan.unplaced.t?.[0]).toContain("1 drained");
    expect(plan.unplaced.t?.[0]).toContain("1 missing driver exec");
  });

  it("places a pending allocation once capacity appears, keeping its id", () => {
    const first = run({ name: "j", tasks: [task()] }, []);
    const pending = first.place[0] as Allocation;
    expect(pending.nodeId).toBeNull();
    const second = run({ name: "j", tasks: [task()] }, [testNode("a")], [pending]);
    expect(second.place).toHaveLength(1);
    expect(second.place[0]?.id).toBe(pending.id);
    expect(second.place[0]?.nodeId).toBe("node-a");
  });

  it("replaces lost allocations and keeps completed batch work", () => {
    const first = run({ name: "j", type: "batch", tasks: [task({ count: 2 })] });
    const [a0, a1] = first.place as [Allocation, Allocation];
    const allocs = [
      { ...a0, status: "complete" as const },
      { ...a1, status: "lost" as const },
    ];
    const plan = run({ name: "j", type: "batch", tasks: [task({ count: 2 })] }, undefined, allocs);
    expect(plan.place).toHaveLength(1);
    expect(plan.place[0]?.index).toBe(1);
  });

  it("stops everything when the job is stopped", () => {
    const first = run({ name: "j", tasks: [task({ count: 2 })] });
    const allocs = first.place.map((a) => ({ ...a, status: "running" as const }));
    const job = { ...testJob({ name: "j", tasks: [task({ count: 2 })] }), stopped: true };
    const nodes = [testNode("a"), testNode("b")];
    const plan = scheduleJob({
      job,
      allocs,
      snapshot: buildSnapshot(nodes, allocs),
      evalId: "e2",
      now: NOW,
      newId: ids(),
    });
    expect(plan.stop).toHaveLength(2);
    expect(plan.stop.every((a) => a.desiredStatus === "stop")).toBe(true);
    expect(plan.jobStatus).toBe("dead");
  });

  it("replaces changed tasks and updates unchanged ones in place", () => {
    const first = run({ name: "j", tasks: [task(), task({ name: "u" })] });
    const allocs = first.place.map((a) => ({ ...a, status: "running" as const }));
    const spec = { name: "j", tasks: [task({ env: { A: "1" } }), task({ name: "u" })] };
    const job = testJob(spec, 2);
    const nodes = [testNode("a"), testNode("b")];
    const plan = scheduleJob({
      job,
      allocs,
      snapshot: buildSnapshot(nodes, allocs),
      evalId: "e3",
      now: NOW,
      newId: ids(),
    });
    expect(plan.stop.map((a) => a.task)).toEqual(["t"]);
    expect(plan.place.map((a) => a.task)).toEqual(["t"]);
    expect(plan.update.map((a) => a.task)).toEqual(["u"]);
    expect(plan.update[0]?.jobVersion).toBe(2);
  });

  it("runs a system job once on every eligible node", () => {
    const nodes = [testNode("a"), testNode("b"), testNode("c", { status: "down" })];
    const plan = run({ name: "s", type: "system", tasks: [task()] }, nodes);
    expect(plan.place.map((a) => a.nodeId).sort()).toEqual(["node-a", "node-b"]);
  });

  it("is deterministic for a given evaluation id", () => {
    const nodes = Array.from({ length: 20 }, (_, i) => testNode(`n${i}`));
    const spec = { name: "j", tasks: [task({ count: 5, resources: { cpu: 4000, memory: 10 } })] };
    const a = run(spec, nodes).place.map((x) => x.nodeId);
    const b = run(spec, nodes).place.map((x) => x.nodeId);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(5);
  });
});
