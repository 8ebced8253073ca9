import { describe, expect, it } from "vitest";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { dataLocality } from "./index.js";

const here = testNode("here");
const near = testNode("near");
const far = testNode("far");

describe("data-locality", () => {
  it("applies only to tasks that read data with a known location", () => {
    expect(dataLocality.applies(testContext())).toBe(false);
    expect(dataLocality.applies(testContext({}, { inputTransferSec: { [here.id]: 0 } }))).toBe(
      true,
    );
  });

  it("scores by transfer time: same node 100, one second 50, longer lower", () => {
    const ctx = testContext({}, { inputTransferSec: { [here.id]: 0, [near.id]: 1, [far.id]: 10 } });
    expect(dataLocality.score(ctx, here)).toBe(100);
    expect(dataLocality.score(ctx, near)).toBe(50);
    expect(dataLocality.score(ctx, far)).toBeCloseTo(100 / 11, 6);
  });
});
