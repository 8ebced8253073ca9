import { describe, expect, it } from "vitest";
import type { GpuRequest } from "../../../model/index.js";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { freeGpus, gpus, matchingGpus } from "./index.js";

const node = testNode("g", {
  gpus: [
    { model: "NVIDIA A100-SXM4-80GB", memory: 81_920 },
    { model: "NVIDIA A100-PCIE-40GB", memory: 40_960 },
    { model: "Tesla T4", memory: 15_360, uuid: "GPU-t4" },
  ],
});
const req = (r: Partial<GpuRequest> = {}): GpuRequest => ({ count: 1, ...r });
const check = (gpu: GpuRequest | undefined, used: string[] = []) =>
  gpus.check(testContext({ gpu }, { devices: { [node.id]: used } }), node);

describe("gpus", () => {
  it("passes any node when the task asks for no GPU", () => {
    expect(check(undefined)).toBeNull();
    expect(gpus.check(testContext(), testNode("plain"))).toBeNull();
  });

  it("filters a node without GPUs", () => {
    expect(gpus.check(testContext({ gpu: req() }), testNode("plain"))).toBe("no GPU");
  });

  it("matches the model as a case-insensitive pattern and memory as a minimum", () => {
    expect(matchingGpus(node, req({ model: "a100" })).map((g) => g.id)).toEqual(["gpu0", "gpu1"]);
    expect(matchingGpus(node, req({ model: "T4|H100" })).map((g) => g.id)).toEqual(["GPU-t4"]);
    expect(matchingGpus(node, req({ memory: 40_000 })).map((g) => g.id)).toEqual(["gpu0", "gpu1"]);
    expect(matchingGpus(node, req({ model: "A100", memory: 80_000 })).map((g) => g.id)).toEqual([
      "gpu0",
    ]);
  });

  it("names the request when too few devices match", () => {
    expect(check(req({ model: "H100" }))).toBe("fewer than 1 GPU (model H100)");
    expect(check(req({ count: 2, model: "T4" }))).toBe("fewer than 2 GPUs (model T4)");
    expect(check(req({ count: 2, model: "A100", memory: 50_000 }))).toBe(
      "fewer than 2 GPUs (model A100, ≥50000MiB)",
    );
    expect(check(req({ count: 4 }))).toBe("fewer than 4 GPUs");
  });

  it("counts devices held by other allocations", () => {
    expect(check(req({ count: 2, model: "A100" }))).toBeNull();
    expect(check(req({ count: 2, model: "A100" }), ["gpu1"])).toBe("exhausted gpu");
    expect(check(req({ model: "T4" }), ["gpu0", "gpu1"])).toBeNull();
    expect(check(req({ model: "T4" }), ["GPU-t4"])).toBe("exhausted gpu");
    expect(freeGpus(node, req(), new Set(["gpu0"]))).toEqual(["gpu1", "GPU-t4"]);
  });

  it("depends on usage, so it is never cached per class", () => {
    expect(gpus.cacheable).toBe(false);
  });
});
