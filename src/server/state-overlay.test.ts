import { describe, expect, it } from "vitest";
import type { Allocation } from "../model/index.js";
import { Holdings, OverlayMap } from "./state-overlay.js";

const alloc = (id: string, nodeId: string, cpu: number, devices: string[] = []): Allocation =>
  ({
    id,
    nodeId,
    resources: { cpu, memory: 0, disk: 0 },
    devices,
    desiredStatus: "run",
    status: "running",
  }) as Allocation;

describe("OverlayMap", () => {
  it("reads through to its base, keeps its own writes, and never writes the base", () => {
    const base = new Map([
      ["a", 1],
      ["b", 2],
    ]);
    const layer = new OverlayMap(base);
    layer.set("b", 20).set("c", 30);
    expect([layer.get("a"), layer.get("b"), layer.get("c"), layer.get("d")]).toEqual([
      1,
      20,
      30,
      undefined,
    ]);
    expect(layer.has("c") && layer.has("a") && !layer.has("d")).toBe(true);
    expect(layer.size).toBe(3);
    expect(Object.fromEntries(layer)).toEqual({ a: 1, b: 20, c: 30 });
    expect([...base]).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
    // Later changes of the base show where the layer has no value of its own.
    base.set("a", 10);
    expect(layer.get("a")).toBe(10);
  });
});

describe("Holdings", () => {
  it("adds and removes what allocations hold per node", () => {
    const h = new Holdings();
    const x = alloc("x", "n1", 300, ["gpu0"]);
    h.hold(x, 1);
    h.hold(alloc("y", "n1", 200), 1);
    expect(h.usage.get("n1")?.cpu).toBe(500);
    expect(h.heldOn.get("n1")?.map((a) => a.id)).toEqual(["x", "y"]);
    expect([...(h.devices.get("n1") ?? [])]).toEqual(["gpu0"]);
    h.hold(x, -1);
    expect(h.usage.get("n1")?.cpu).toBe(200);
    expect(h.heldOn.get("n1")?.map((a) => a.id)).toEqual(["y"]);
    expect(h.devices.get("n1")?.size).toBe(0);
  });

  it("as a layer, changes copies of the base's lists and device sets, never the base", () => {
    const base = new Holdings();
    base.hold(alloc("x", "n1", 300, ["gpu0"]), 1);
    const baseList = base.heldOn.get("n1");
    const layer = new Holdings(base);
    layer.hold(alloc("y", "n1", 200, ["gpu1"]), 1);
    layer.hold(alloc("x", "n1", 300, ["gpu0"]), -1);
    expect(layer.usage.get("n1")?.cpu).toBe(200);
    expect(layer.heldOn.get("n1")?.map((a) => a.id)).toEqual(["y"]);
    expect([...(layer.devices.get("n1") ?? [])]).toEqual(["gpu1"]);
    expect(base.usage.get("n1")?.cpu).toBe(300);
    expect(base.heldOn.get("n1")).toBe(baseList);
    expect(baseList?.map((a) => a.id)).toEqual(["x"]);
    expect([...(base.devices.get("n1") ?? [])]).toEqual(["gpu0"]);
    // A node the layer never touched reads as in the base (a layer lives while the base stands
    // still: one batch of plans, until it commits).
    expect(layer.usage.get("n2")).toBe(base.usage.get("n2"));
  });

  it("updates a version that holds the same in place, and moves one that does not", () => {
    const h = new Holdings();
    const a: Allocation = { ...alloc("x", "n1", 300, ["gpu0"]), status: "pending" };
    h.update(undefined, a);
    const usage = h.usage.get("n1");
    const running = { ...a, status: "running" as const };
    h.update(a, running);
    expect(h.usage.get("n1")).toBe(usage);
    expect(h.heldOn.get("n1")).toEqual([running]);
    const moved = { ...running, nodeId: "n2" };
    h.update(running, moved);
    expect(h.usage.get("n1")?.cpu).toBe(0);
    expect(h.usage.get("n2")?.cpu).toBe(300);
    expect(h.heldOn.get("n1")).toEqual([]);
    expect([...(h.devices.get("n2") ?? [])]).toEqual(["gpu0"]);
    h.update(moved, { ...moved, status: "complete" });
    expect(h.usage.get("n2")?.cpu).toBe(0);
    expect(h.heldOn.get("n2")).toEqual([]);
  });
});
