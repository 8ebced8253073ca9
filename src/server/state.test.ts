import { describe, expect, it } from "vitest";
import type { Allocation, AllocStatus, NodeStatus } from "../model/index.js";
import { testNode } from "../scheduler/fixtures.test-util.js";
import { ClusterState } from "./state.js";

const alloc = (id: string, nodeId: string | null, status: AllocStatus, jobId = "j"): Allocation =>
  ({
    id,
    jobId,
    nodeId,
    status,
    desiredStatus: "run",
    resources: { cpu: 100, memory: 0, disk: 0 },
    devices: [],
    taskSpec: { ports: [] },
    createdAt: "2026-01-01T00:00:00.000Z",
  }) as unknown as Allocation;

describe("ClusterState", () => {
  it("lists a node's live allocations without its finished ones, following every change", () => {
    const state = new ClusterState();
    state.putAlloc(alloc("a", "n1", "pending"));
    state.putAlloc(alloc("b", "n1", "running"));
    state.putAlloc(alloc("c", "n1", "complete"));
    state.putAlloc(alloc("d", "n2", "running"));
    state.putAlloc(alloc("e", null, "pending"));
    const live = (node: string) => state.liveAllocsOnNode(node).map((a) => a.id);
    expect(live("n1")).toEqual(["a", "b"]);
    expect(state.allocsOnNode("n1").map((a) => a.id)).toEqual(["a", "b", "c"]);
    state.putAlloc(alloc("a", "n1", "running"));
    state.putAlloc(alloc("b", "n1", "failed"));
    // Moved to another node (a rescheduled record keeps its id only in tests, but the index must follow).
    state.putAlloc(alloc("d", "n1", "running"));
    expect(live("n1")).toEqual(["a", "d"]);
    expect(live("n2")).toEqual([]);
    expect(live("n3")).toEqual([]);
    expect(state.allocsOnNode("n2")).toEqual([]);
    expect(state.allocsOnNode("n1").map((a) => a.id)).toEqual(["a", "b", "c", "d"]);
    // What is held follows too: a, d running on n1 (b failed, c complete), nothing on n2.
    expect(state.usedOn("n1").cpu).toBe(200);
    expect(state.usedOn("n2").cpu).toBe(0);
    expect(state.allocsOfJob("j").map((a) => a.id)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("keeps the nodes between ready and down apart for the health monitor", () => {
    const state = new ClusterState();
    const node = (name: string, status: NodeStatus) => ({ ...testNode(name), status });
    state.putNode(node("a", "initializing"));
    state.putNode(node("b", "ready"));
    state.putNode(node("c", "suspect"));
    const names = () => state.unsettledNodes().map((n) => n.name);
    expect(names()).toEqual(["a", "c"]);
    state.putNode(node("a", "ready"));
    state.putNode(node("b", "disconnected"));
    state.putNode(node("c", "down"));
    expect(names()).toEqual(["b"]);
  });

  it("counts allocations per status as they change", () => {
    const state = new ClusterState();
    state.putAlloc(alloc("a", "n1", "pending"));
    state.putAlloc(alloc("b", "n1", "pending"));
    state.putAlloc(alloc("c", "n2", "running"));
    state.putAlloc(alloc("a", "n1", "running"));
    state.putAlloc(alloc("a", "n1", "running"));
    state.putAlloc(alloc("c", "n2", "complete"));
    const counts = Object.fromEntries([...state.allocCountsByStatus()].filter(([, n]) => n > 0));
    expect(counts).toEqual({ pending: 1, running: 1, complete: 1 });
    const walked: Record<string, number> = {};
    for (const a of state.allocs.values()) walked[a.status] = (walked[a.status] ?? 0) + 1;
    expect(counts).toEqual(walked);
  });

  it("counts nodes per status and site as they change", () => {
    const state = new ClusterState();
    const node = (name: string, status: NodeStatus, site: string) => ({
      ...testNode(name),
      id: `id-${name}`,
      status,
      site,
    });
    // Joins, then a node ready, one unchanged, one down and moved to another site.
    const changes = [
      ["a", "initializing", "s1"],
      ["b", "ready", "s1"],
      ["c", "ready", "s2"],
      ["a", "ready", "s1"],
      ["b", "ready", "s1"],
      ["c", "down", "s3"],
    ] as const;
    for (const [name, status, site] of changes) state.putNode(node(name, status, site));
    const counts = [...state.nodeCountsByStatusAndSite()]
      .filter((c) => c.n > 0)
      .map((c) => `${c.status}@${c.site}=${c.n}`)
      .sort();
    expect(counts).toEqual(["down@s3=1", "ready@s1=2"]);
  });

  it("knows the jobs with allocations waiting for a node, following every change", () => {
    const state = new ClusterState();
    state.putAlloc(alloc("a", null, "pending", "j1"));
    state.putAlloc(alloc("b", null, "pending", "j2"));
    state.putAlloc(alloc("c", "n1", "running", "j3"));
    state.putAlloc({ ...alloc("d", null, "pending", "j4"), desiredStatus: "stop" });
    expect([...state.jobsWaitingForNodes()].sort()).toEqual(["j1", "j2"]);
    state.putAlloc(alloc("a", "n1", "pending", "j1"));
    state.putAlloc(alloc("b", null, "failed", "j2"));
    expect([...state.jobsWaitingForNodes()]).toEqual([]);
    state.putAlloc(alloc("e", null, "pending", "j3"));
    expect([...state.jobsWaitingForNodes()]).toEqual(["j3"]);
  });
});
