import { describe, expect, it } from "vitest";
import type { Node } from "../model/index.js";
import { testNode } from "./fixtures.test-util.js";
import type { FeasibilityPlugin, PlacementContext, ScorePlugin } from "./plugin.js";
import { CandidateSource, classFilter, selectNode } from "./select.js";

const ctx = {
  constraints: [],
  need: { cpu: 1, memory: 0, disk: 0 },
} as unknown as PlacementContext;

describe("selectNode", () => {
  it("runs a usage check or ranker only where it applies to the placement", () => {
    const nodes = ["a", "b", "c"].map((n) => testNode(n));
    const calls = { never: 0, always: 0, ranked: 0, skipped: 0 };
    const feasibility: FeasibilityPlugin[] = [
      {
        name: "never",
        cacheable: false,
        applies: () => false,
        check: () => {
          calls.never++;
          return "must not run";
        },
      },
      {
        name: "always",
        cacheable: false,
        check: (_c, node) => {
          calls.always++;
          return node.name === "b" ? "b is out" : null;
        },
      },
    ];
    const rankers: ScorePlugin[] = [
      {
        name: "by-name",
        weight: 1,
        applies: () => true,
        score: (_c, node: Node) => {
          calls.ranked++;
          return node.name === "c" ? 90 : 10;
        },
      },
      {
        name: "off",
        weight: 5,
        applies: () => false,
        score: () => {
          calls.skipped++;
          return 100;
        },
      },
    ];
    const picked = selectNode(ctx, new CandidateSource(nodes), {
      feasibility,
      rankers,
      cache: new Map(),
      limit: 10,
    });
    expect(picked.node?.name).toBe("c");
    // The total is the mean over the rankers that apply: "off" neither runs nor dilutes it.
    expect(picked.score).toEqual({ "by-name": 90, total: 90 });
    expect(picked.tally.evaluated).toBe(3);
    expect(calls).toEqual({ never: 0, always: 3, ranked: 3, skipped: 0 });
  });
});

describe("classFilter", () => {
  it("hands back the list itself when every class passes, and only passing nodes otherwise", () => {
    const nodes = [testNode("a"), testNode("b", { labels: { zone: "x" } })];
    const passAll = classFilter(ctx, nodes, [], new Map());
    expect(passAll.passed).toBe(nodes);
    expect(passAll.dropped).toBe(0);
    const zoneOnly: FeasibilityPlugin = {
      name: "zone",
      cacheable: true,
      check: (_c, node) => (node.labels.zone ? null : "no zone"),
    };
    const some = classFilter(ctx, nodes, [zoneOnly], new Map());
    expect(some.passed.map((n) => n.name)).toEqual(["b"]);
    expect(some.dropped).toBe(1);
    expect([...some.reasons]).toEqual([["no zone", 1]]);
  });
});
