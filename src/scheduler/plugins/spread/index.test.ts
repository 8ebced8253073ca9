import { describe, expect, it } from "vitest";
import type { Spread } from "../../../model/index.js";
import { testNode } from "../../fixtures.test-util.js";
import { type ContextUsage, testContext } from "../test-context.test-util.js";
import { spread } from "./index.js";

const inA = testNode("a", { labels: { zone: "a", rack: "r1" } });
const bare = testNode("x");
const zone = (over: Partial<Spread> = {}): Spread => ({ key: "zone", weight: 50, ...over });
const score = (s: Spread[], desiredCount: number, usage: ContextUsage, node = inA) =>
  spread.score(testContext({ spread: s, desiredCount }, usage), node);
/** Score of zone=a for 4 instances over 2 zones (2 wanted there) with `n` already in zone a. */
const even = (n: number) =>
  score([zone()], 4, { spreadValues: { zone: 2 }, spreadCount: { "zone=a": n } });

describe("spread", () => {
  it("applies only when the job or task spreads", () => {
    expect(spread.applies(testContext())).toBe(false);
    expect(spread.applies(testContext({ spread: [zone()] }))).toBe(true);
  });

  it("spreads evenly over the label's values when no targets are given", () => {
    expect(even(0)).toBe(100); // owed its whole share
    expect(even(2)).toBe(50); // holds exactly its share
    expect(even(4)).toBe(0); // a whole share over
    expect(even(9)).toBe(0);
  });

  it("scores lower the more instances the value already holds", () => {
    const scores = [0, 1, 2, 3, 4].map(even);
    for (let i = 1; i < scores.length; i++)
      expect(scores[i]).toBeLessThanOrEqual(scores[i - 1] as number);
    expect(even(1)).toBeGreaterThan(even(3));
  });

  it("scores a node without the label 0", () => {
    expect(score([zone()], 4, { spreadValues: { zone: 2 } }, bare)).toBe(0);
  });

  it("follows target percentages, sharing the rest among unlisted values", () => {
    const usage = { spreadValues: { zone: 3 } };
    const a80 = zone({ targets: { a: 80 } });
    // a wants 80% of 10 = 8
    expect(score([a80], 10, { ...usage, spreadCount: { "zone=a": 0 } })).toBe(100);
    expect(score([a80], 10, { ...usage, spreadCount: { "zone=a": 8 } })).toBe(50);
    // a unlisted, b has 80%: a shares the remaining 20% with one other value → 1 wanted
    const b80 = zone({ targets: { b: 80 } });
    expect(score([b80], 10, { ...usage, spreadCount: { "zone=a": 1 } })).toBe(50);
    expect(score([b80], 10, { ...usage, spreadCount: { "zone=a": 0 } })).toBe(100);
    // a target of 0%: an instance there is too many
    expect(score([zone({ targets: { a: 0, b: 100 } })], 10, { spreadCount: { "zone=a": 1 } })).toBe(
      0,
    );
  });

  it("averages spread blocks by weight", () => {
    const usage = { spreadValues: { zone: 2, rack: 2 }, spreadCount: { "zone=a": 2 } };
    // zone: 2 of 2 wanted → 50 (weight 50); rack: 0 of 2 → 100 (weight 150) → 87.5 → 88
    const blocks = [zone(), { key: "rack", weight: 150 }];
    expect(score(blocks, 4, usage)).toBe(88);
  });
});
