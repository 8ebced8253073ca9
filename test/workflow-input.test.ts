import { describe, expect, it } from "vitest";
import { parseClusterYaml, parseWfFormat, workflowProblem } from "../src/scheduler/dag/index.js";

/** A small WfFormat 1.5 document; `tasks` are spec tasks, `runtimes` the execution section. */
function doc(tasks: object[], runtimes: Record<string, number | undefined> = {}, files = FILES) {
  return {
    name: "mini",
    schemaVersion: "1.5",
    workflow: {
      specification: { tasks, files },
      execution: {
        tasks: Object.entries(runtimes).map(([id, r]) => ({ id, runtimeInSeconds: r })),
      },
    },
  };
}
const FILES = [
  { id: "a.out", sizeInBytes: 1000 },
  { id: "b.out", sizeInBytes: 20 },
  { id: "x.in", sizeInBytes: 5 },
];

describe("parseWfFormat", () => {
  it("resolves parents by id or by name, takes runtimes by id, and sums shared file bytes", () => {
    const parsed = parseWfFormat(
      doc(
        [
          { id: "1", name: "A", parents: [], outputFiles: ["a.out", "b.out"] },
          { id: "2", name: "B", parents: ["A"], inputFiles: ["a.out", "b.out", "x.in"] },
          { id: "3", name: "C", parents: ["1", "B"], inputFiles: ["b.out"] },
        ],
        { "1": 10, "2": 5.5, "3": 1 },
      ),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.tasks.map((t) => t.runtime)).toEqual([10, 5.5, 1]);
    const edges = parsed.value.edges.map((e) => `${e.from}>${e.to}:${e.bytes}`).sort();
    expect(edges).toEqual(["0>1:1020", "0>2:20", "1>2:0"]);
  });

  it("accepts children lists alone, and merges them with parents lists", () => {
    const parsed = parseWfFormat(
      doc([{ id: "a", children: ["b", "c"] }, { id: "b", parents: ["a"] }, { id: "c" }]),
    );
    expect(parsed.ok && parsed.value.edges.length).toBe(2);
  });

  it("treats a missing runtime as 0 and says so", () => {
    const parsed = parseWfFormat(doc([{ id: "a" }, { id: "b", parents: ["a"] }], { a: 3 }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.tasks.map((t) => t.runtime)).toEqual([3, 0]);
    expect(parsed.warnings[0]).toMatch(/1 of 2 tasks have no runtimeInSeconds/);
  });

  it("tolerates a document without an execution section", () => {
    const parsed = parseWfFormat({ workflow: { specification: { tasks: [{ id: "a" }] } } });
    expect(parsed.ok && parsed.value.tasks[0]?.runtime).toBe(0);
  });

  it("reports a cycle with the tasks on it", () => {
    const parsed = parseWfFormat(
      doc([
        { id: "a", parents: ["c"] },
        { id: "b", parents: ["a"] },
        { id: "c", parents: ["b"] },
      ]),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues[0]?.message).toMatch(
      /cycle: (a|b|c) → .* → \1 .*remove one of these links/,
    );
  });

  it("points at unknown references, self-links, duplicate ids and wrong types", () => {
    const bad = parseWfFormat(
      doc([{ id: "a", parents: ["nope"] }, { id: "a" }, { id: "c", children: ["c"] }]),
    );
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual([
      "workflow.specification.tasks[1].id",
      "workflow.specification.tasks[0].parents[0]",
      "workflow.specification.tasks[2].children[0]",
    ]);
    const typed = parseWfFormat({
      workflow: { specification: { tasks: [{ id: "a", parents: 3 }] } },
    });
    expect(typed.ok ? [] : typed.issues.map((i) => i.path)).toEqual([
      "workflow.specification.tasks[0].parents",
    ]);
    const negative = parseWfFormat(doc([{ id: "a" }], { a: -1 }));
    expect(negative.ok ? [] : negative.issues.map((i) => i.path)).toEqual([
      "workflow.execution.tasks[0].runtimeInSeconds",
    ]);
    expect(parseWfFormat([]).ok).toBe(false);
  });
});

describe("parseClusterYaml", () => {
  it("applies defaults (speed 1, slots 1, latency 0)", () => {
    const parsed = parseClusterYaml("nodes:\n  - name: a\nnetwork: {bandwidthMBps: 10}\n");
    expect(parsed.ok && parsed.value).toEqual({
      nodes: [{ name: "a", speed: 1, slots: 1 }],
      network: { bandwidthMBps: 10, latencyMs: 0 },
    });
  });

  it("reports each problem with its path", () => {
    const parsed = parseClusterYaml(
      [
        "nodes:",
        "  - {name: a, speed: 0}",
        "  - {name: a, slots: 1.5}",
        "  - {name: b, slot: 2}",
        "network: {latencyMs: -1}",
      ].join("\n"),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const paths = parsed.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "nodes[0].speed",
        "nodes[1].slots",
        "nodes[2]",
        "network.bandwidthMBps",
        "network.latencyMs",
      ]),
    );
    expect(parsed.issues.find((i) => i.path === "nodes[0].speed")?.message).toMatch(/> 0/);
  });

  it("reports duplicate node names and YAML syntax errors", () => {
    const dup = parseClusterYaml("nodes: [{name: a}, {name: a}]\nnetwork: {bandwidthMBps: 1}");
    expect(dup.ok ? [] : dup.issues).toEqual([
      { path: "nodes[1].name", message: 'duplicate node name "a"' },
    ]);
    const syntax = parseClusterYaml("nodes: [\n");
    expect(syntax.ok ? "" : syntax.issues[0]?.path).toBe("(yaml)");
  });
});

describe("workflowProblem", () => {
  it("divides runtimes by speed and prices edges as latency + bytes / bandwidth", () => {
    const wf = parseWfFormat(
      doc(
        [
          { id: "a", outputFiles: ["a.out"] },
          { id: "b", parents: ["a"], inputFiles: ["a.out"] },
        ],
        { a: 8, b: 4 },
      ),
    );
    const c = parseClusterYaml(
      "nodes: [{name: x, speed: 2, slots: 3}, {name: y}]\nnetwork: {bandwidthMBps: 0.001, latencyMs: 500}",
    );
    if (!wf.ok || !c.ok) throw new Error("fixtures");
    const p = workflowProblem(wf.value, c.value);
    expect(p.cost).toEqual([
      [4, 8],
      [2, 4],
    ]);
    expect(p.nodes).toEqual([
      { name: "x", slots: 3 },
      { name: "y", slots: 1 },
    ]);
    expect(p.edges).toEqual([{ from: 0, to: 1, comm: 0.5 + 1 }]);
  });
});
