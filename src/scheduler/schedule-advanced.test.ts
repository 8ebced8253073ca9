import { describe, expect, it } from "vitest";
import type { Allocation, Node } from "../model/index.js";
import { ids, testJob, testNode } from "./fixtures.test-util.js";
import { scheduleJob } from "./schedule.js";
import { buildSnapshot } from "./snapshot.js";

const NOW = "2026-01-01T01:00:00.000Z";
const task = (over: object = {}) => ({
  name: "t",
  driver: "exec",
  config: { command: "/bin/true" },
  resources: { cpu: 1000, memory: 1024 },
  ...over,
});

function schedule(
  spec: object,
  nodes: Node[],
  others: Allocation[] = [],
  own: Allocation[] = [],
  evalId = "e",
) {
  return scheduleJob({
    job: testJob(spec),
    allocs: own,
    snapshot: buildSnapshot(nodes, [...others, ...own]),
    evalId,
    now: NOW,
    newId: ids(),
  });
}

/** Places a job and returns its allocations as running. */
function running(spec: object, nodes: Node[], others: Allocation[] = []): Allocation[] {
  return schedule(spec, nodes, others).place.map((a) => ({ ...a, status: "running" as const }));
}

describe("preemption", () => {
  const small = () => [testNode("a", { resources: { cpu: 2000, memory: 4096, disk: 1000 } })];

  it("evicts the lowest-priority work when a higher-priority task fits nowhere", () => {
    const nodes = small();
    const low = running({ name: "low", priority: 10, tasks: [task()] }, nodes);
    const mid = running({ name: "mid", priority: 30, tasks: [task()] }, nodes, low);
    const plan = schedule({ name: "urgent", priority: 90, tasks: [task()] }, nodes, [
      ...low,
      ...mid,
    ]);
    expect(plan.place[0]?.nodeId).toBe("node-a");
    expect(plan.preempt.map((a) => a.jobId)).toEqual(["job-low"]);
    expect(plan.preempt[0]?.desiredStatus).toBe("stop");
    expect(plan.preempt[0]?.reasons.at(-1)).toBe("preempted by job urgent (priority 90)");
  });

  it("prefers one big eviction over two small ones of the same priority", () => {
    const nodes = small();
    const a = running(
      { name: "s1", priority: 10, tasks: [task({ resources: { cpu: 500, memory: 512 } })] },
      nodes,
    );
    const b = running(
      { name: "s2", priority: 10, tasks: [task({ resources: { cpu: 500, memory: 512 } })] },
      nodes,
      a,
    );
    const big = running({ name: "big", priority: 10, tasks: [task()] }, nodes, [...a, ...b]);
    const plan = schedule({ name: "urgent", priority: 90, tasks: [task()] }, nodes, [
      ...a,
      ...b,
      ...big,
    ]);
    expect(plan.preempt.map((x) => x.jobId)).toEqual(["job-big"]);
  });

  it("never evicts equal or higher priority, and not at all when the job turns preemption off", () => {
    const nodes = small();
    const peer = running({ name: "peer", priority: 50, tasks: [task({ count: 2 })] }, nodes);
    const same = schedule({ name: "same", priority: 50, tasks: [task()] }, nodes, peer);
    expect(same.preempt).toEqual([]);
    expect(same.unplaced.t?.[0]).toBe("1 node: 1 exhausted cpu");
    const low = running({ name: "low", priority: 10, tasks: [task({ count: 2 })] }, nodes);
    const polite = schedule(
      { name: "polite", priority: 90, scheduling: { preemption: false }, tasks: [task()] },
      nodes,
      low,
    );
    expect(polite.preempt).toEqual([]);
    expect(polite.place[0]?.nodeId).toBeNull();
  });
});

describe("GPUs", () => {
  const gpuNode = testNode("g", {
    gpus: [
      { model: "NVIDIA A100-SXM4-40GB", memory: 40_960, uuid: "GPU-1" },
      { model: "NVIDIA A100-SXM4-40GB", memory: 40_960, uuid: "GPU-2" },
    ],
  });
  const t4 = testNode("t", { gpus: [{ model: "Tesla T4", memory: 15_360 }] });

  it("places on a node with matching free GPUs and reserves the devices", () => {
    const spec = {
      name: "train",
      tasks: [
        task({
          resources: { cpu: 100, memory: 64, gpu: { count: 1, model: "A100|H100", memory: 40000 } },
        }),
      ],
    };
    const plan = schedule(spec, [t4, gpuNode, testNode("plain")]);
    expect(plan.place[0]?.nodeId).toBe("node-g");
    expect(plan.place[0]?.devices).toEqual(["GPU-1"]);
    const held = plan.place.map((a) => ({ ...a, status: "running" as const }));
    const next = schedule({ ...spec, name: "train2" }, [t4, gpuNode], held);
    expect(next.place[0]?.devices).toEqual(["GPU-2"]);
    const third = schedule({ ...spec, name: "train3" }, [t4, gpuNode], [...held, ...next.place]);
    expect(third.unplaced.t?.[0]).toBe(
      "2 nodes: 1 exhausted gpu, 1 fewer than 1 GPU (model A100|H100, ≥40000MiB)",
    );
  });
});

describe("spread and affinity", () => {
  const nodes = [
    ...Array.from({ length: 6 }, (_, i) =>
      testNode(`a${i}`, { site: "site-a", labels: { "brink/site": "site-a" } }),
    ),
    ...Array.from({ length: 6 }, (_, i) =>
      testNode(`b${i}`, { site: "site-b", labels: { "brink/site": "site-b" } }),
    ),
  ];
  const site = (a: Allocation) => (a.nodeId?.startsWith("node-a") ? "site-a" : "site-b");

  it("splits instances by target percentages", () => {
    const plan = schedule(
      {
        name: "j",
        spread: [{ key: "brink/site", targets: { "site-a": 70, "site-b": 30 } }],
        tasks: [task({ count: 10, resources: { cpu: 100, memory: 64 } })],
      },
      nodes,
    );
    const a = plan.place.filter((x) => site(x) === "site-a").length;
    expect(a).toBe(7);
  });

  it("spreads evenly without targets", () => {
    const plan = schedule(
      {
        name: "j",
        spread: [{ key: "brink/site" }],
        tasks: [task({ count: 8, resources: { cpu: 100, memory: 64 } })],
      },
      nodes,
    );
    expect(plan.place.filter((x) => site(x) === "site-a").length).toBe(4);
  });

  it("follows a positive affinity and avoids a negative one when it can", () => {
    const labelled = [
      testNode("x", { labels: { disk: "ssd" } }),
      testNode("y", { labels: { disk: "hdd" } }),
    ];
    const want = schedule(
      {
        name: "j",
        affinities: [{ key: "disk", op: "=", value: "ssd", weight: 100 }],
        tasks: [task()],
      },
      labelled,
    );
    expect(want.place[0]?.nodeId).toBe("node-x");
    const avoid = schedule(
      {
        name: "k",
        affinities: [{ key: "disk", op: "=", value: "ssd", weight: -100 }],
        tasks: [task()],
      },
      labelled,
    );
    expect(avoid.place[0]?.nodeId).toBe("node-y");
  });

  it("keeps distinct hosts hard", () => {
    const two = [testNode("x"), testNode("y")];
    const plan = schedule(
      {
        name: "j",
        distinctHosts: true,
        tasks: [task({ count: 3, resources: { cpu: 10, memory: 10 } })],
      },
      two,
    );
    expect(new Set(plan.place.filter((a) => a.nodeId).map((a) => a.nodeId)).size).toBe(2);
    expect(plan.unplaced.t?.[0]).toBe("2 nodes: 2 distinct hosts: job already on node");
  });

  it("balances with the spread algorithm", () => {
    const two = [testNode("x"), testNode("y")];
    const first = running({ name: "one", tasks: [task()] }, two);
    const plan = schedule(
      { name: "two", scheduling: { algorithm: "spread" }, tasks: [task()] },
      two,
      first,
    );
    expect(plan.place[0]?.nodeId).not.toBe(first[0]?.nodeId);
    expect(plan.place[0]?.score).toHaveProperty("least-allocated");
  });
});

describe("workflows", () => {
  const spec = {
    name: "wf",
    type: "batch",
    tasks: [
      task({ name: "extract", outputs: [{ name: "raw", size: "200MB" }] }),
      task({ name: "transform", after: ["extract"], inputs: ["raw"] }),
      task({ name: "load", after: ["transform"] }),
    ],
  };

  it("starts a task only when its parents completed", () => {
    const nodes = [testNode("a"), testNode("b")];
    const first = schedule(spec, nodes);
    expect(first.place.map((a) => a.task)).toEqual(["extract"]);
    expect(first.waiting).toEqual({
      transform: "waiting for extract",
      load: "waiting for transform",
    });
    const done = first.place.map((a) => ({ ...a, status: "complete" as const }));
    const second = schedule(spec, nodes, [], done);
    expect(second.place.map((a) => a.task)).toEqual(["transform"]);
  });

  it("plans the workflow as a whole and prefers the node the plan chose", () => {
    const nodes = [testNode("slow"), testNode("fast", { labels: { speed: "4" } })];
    const plan = schedule(
      { ...spec, tasks: spec.tasks.map((t) => ({ ...t, runtime: "10m" })) },
      nodes,
    );
    expect(plan.place[0]?.nodeId).toBe("node-fast");
    expect(plan.place[0]?.score?.workflow).toBe(100);
  });

  it("does not run the descendants of a failed task", () => {
    const nodes = [testNode("a")];
    const failed = schedule(spec, nodes).place.map((a) => ({ ...a, status: "failed" as const }));
    const plan = schedule(spec, nodes, [], failed);
    expect(plan.place).toEqual([]);
    expect(plan.waiting.transform).toBe('not run: task "extract" failed');
    expect(plan.jobStatus).toBe("failed");
  });
});

describe("rescheduling failed allocations", () => {
  const nodes = [testNode("a"), testNode("b")];
  const spec = {
    name: "svc",
    reschedule: {
      attempts: 2,
      interval: "1h",
      delay: "10s",
      delayFunction: "exponential",
      maxDelay: "1m",
    },
    tasks: [task()],
  };
  const failedAt = (a: Allocation, iso: string): Allocation => ({
    ...a,
    status: "failed",
    updatedAt: iso,
  });

  it("waits for the delay, then places the instance away from the node it failed on", () => {
    const first = schedule(spec, nodes).place[0] as Allocation;
    const failed = failedAt(first, "2026-01-01T00:59:55.000Z");
    const early = schedule(spec, nodes, [], [failed]);
    expect(early.place).toEqual([]);
    expect(early.followUpAt).toBe(Date.parse("2026-01-01T01:00:05.000Z"));
    const later = scheduleJob({
      job: testJob(spec),
      allocs: [failed],
      snapshot: buildSnapshot(nodes, [failed]),
      evalId: "e2",
      now: "2026-01-01T01:00:06.000Z",
      newId: ids(),
    });
    const again = later.place[0] as Allocation;
    expect(again.previousAllocId).toBe(first.id);
    expect(again.nodeId).not.toBe(first.nodeId);
    expect(again.failedOn).toEqual([first.nodeId]);
    expect(again.score?.["avoid-failed"]).toBe(100);
  });

  it("stops after the attempts allowed in the interval", () => {
    const first = schedule(spec, nodes).place[0] as Allocation;
    const chain = {
      ...failedAt(first, "2026-01-01T00:00:00.000Z"),
      rescheduleTimes: ["2026-01-01T00:30:00.000Z", "2026-01-01T00:40:00.000Z"],
    };
    const plan = schedule(spec, nodes, [], [chain]);
    expect(plan.place).toEqual([]);
    expect(plan.followUpAt).toBeUndefined();
    expect(plan.jobStatus).toBe("failed");
  });
});
