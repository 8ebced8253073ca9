import { describe, expect, it } from "vitest";
import { maxMinFairShare } from "./fair-share.js";
import { TopologyGraph } from "./graph.js";
import { shortestPath, widestPath } from "./paths.js";

function sites(): TopologyGraph {
  return new TopologyGraph()
    .addLink("a", "b", { latencyMs: 10, bandwidthMbps: 100 })
    .addLink("b", "cloud", { latencyMs: 10, bandwidthMbps: 1000 })
    .addLink("a", "cloud", { latencyMs: 40, bandwidthMbps: 1000 })
    .addNode("island");
}

describe("paths", () => {
  it("finds the lowest-latency route and its bottleneck", () => {
    expect(shortestPath(sites(), "a", "cloud")).toEqual({
      path: ["a", "b", "cloud"],
      latencyMs: 20,
      bandwidthMbps: 100,
    });
  });

  it("finds the widest route", () => {
    expect(widestPath(sites(), "a", "cloud")).toEqual({
      path: ["a", "cloud"],
      latencyMs: 40,
      bandwidthMbps: 1000,
    });
  });

  it("has no route to an unconnected place, and a trivial one to itself", () => {
    expect(shortestPath(sites(), "a", "island")).toBeUndefined();
    expect(shortestPath(sites(), "a", "a")).toEqual({
      path: ["a"],
      latencyMs: 0,
      bandwidthMbps: Number.POSITIVE_INFINITY,
    });
  });

  it("rejects impossible links", () => {
    expect(() => new TopologyGraph().addLink("x", "y", { latencyMs: 1, bandwidthMbps: 0 })).toThrow(
      /bandwidthMbps/,
    );
  });
});

describe("maxMinFairShare", () => {
  it("splits a shared link evenly", () => {
    const g = new TopologyGraph().addLink("a", "b", { latencyMs: 1, bandwidthMbps: 90 });
    const r = maxMinFairShare(g, [
      { id: "f1", path: ["a", "b"] },
      { id: "f2", path: ["a", "b"] },
      { id: "f3", path: ["a", "b"] },
    ]);
    expect([...r.values()]).toEqual([30, 30, 30]);
  });

  it("gives a constrained flow its demand and the rest to the others (the classic example)", () => {
    // Link a-b 10 Mbps shared by f1 and f2; f2 also crosses b-c (4 Mbps) with f3.
    const g = new TopologyGraph()
      .addLink("a", "b", { latencyMs: 1, bandwidthMbps: 10 })
      .addLink("b", "c", { latencyMs: 1, bandwidthMbps: 4 });
    const r = maxMinFairShare(g, [
      { id: "f1", path: ["a", "b"] },
      { id: "f2", path: ["a", "b", "c"] },
      { id: "f3", path: ["b", "c"], demandMbps: 1 },
    ]);
    expect(r.get("f3")).toBeCloseTo(1);
    expect(r.get("f2")).toBeCloseTo(3);
    expect(r.get("f1")).toBeCloseTo(7);
  });

  it("never exceeds a link's capacity", () => {
    const g = sites();
    const flows = Array.from({ length: 7 }, (_, i) => ({
      id: `f${i}`,
      path: i % 2 ? ["a", "b", "cloud"] : ["a", "cloud"],
    }));
    const r = maxMinFairShare(g, flows);
    const onAB = flows.filter((f) => f.path[1] === "b").reduce((s, f) => s + (r.get(f.id) ?? 0), 0);
    expect(onAB).toBeLessThanOrEqual(100 + 1e-6);
  });
});
