import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { binPack, utilisationAfter } from "./index.js";

// 4000 millicores, 8192 MiB; the default context asks for 1000 millicores and 1024 MiB.
const node = testNode("a");
const used = (cpu: number, memory: number) => ({ used: { [node.id]: { cpu, memory, disk: 0 } } });

describe("bin-pack", () => {
  it("applies to the binpack algorithm only", () => {
    expect(binPack.applies(testContext())).toBe(true);
    expect(binPack.applies(testContext({ algorithm: "spread" }))).toBe(false);
  });

  it("scores the mean CPU/memory utilisation after placement", () => {
    // cpu (0+1000)/4000 = 0.25, memory (0+1024)/8192 = 0.125 → 0.1875
    expect(utilisationAfter(testContext(), node)).toBeCloseTo(0.1875);
    expect(binPack.score(testContext(), node)).toBe(19);
    // cpu 3000/4000, memory 7168/8192 → 0.8125
    expect(binPack.score(testContext({}, used(2000, 6144)), node)).toBe(81);
  });

  it("prefers the fuller node", () => {
    const emptier = binPack.score(testContext({}, used(1000, 1024)), node);
    const fuller = binPack.score(testContext({}, used(2000, 4096)), node);
    expect(fuller).toBeGreaterThan(emptier);
  });

  it("stays within 0..100, also on a full or resourceless node", () => {
    expect(binPack.score(testContext({}, used(4000, 8192)), node)).toBe(100);
    const none = testNode("z", { resources: { cpu: 0, memory: 0, disk: 0 } });
    expect(binPack.score(testContext(), none)).toBe(100);
  });
});
