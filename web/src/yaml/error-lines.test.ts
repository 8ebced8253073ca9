import { describe, expect, it } from "vitest";
import { parsePath, problemsAt, syntaxProblems } from "./error-lines.js";

const SPEC = `name: web
type: service
tasks:
  - name: a
    driver: exec
    config: { command: /bin/true }
  - name: b
    driver: exec
    resources:
      cpu: 100
      memory: -5
    bogus: 1
`;

describe("server error paths → editor lines", () => {
  it("parses the server's paths", () => {
    expect(parsePath("tasks[1].resources.memory")).toEqual(["tasks", 1, "resources", "memory"]);
    expect(parsePath("(root)")).toEqual([]);
    expect(parsePath("name")).toEqual(["name"]);
  });

  it("puts a field's problem on the line of its key", () => {
    const [p] = problemsAt(SPEC, [{ path: "tasks[1].resources.memory", message: "too small" }]);
    expect(p?.line).toBe(11);
    expect(SPEC.slice(p?.from, p?.to)).toBe("memory");
  });

  it("puts an unknown field on its own line", () => {
    const [p] = problemsAt(SPEC, [{ path: "tasks[1].bogus", message: 'unknown field "bogus"' }]);
    expect(p?.line).toBe(12);
  });

  it("puts a missing field on the nearest thing that exists (its parent)", () => {
    const [p] = problemsAt(SPEC, [{ path: "tasks[0].config.args", message: "required" }]);
    expect(p?.line).toBe(6);
    const [q] = problemsAt(SPEC, [{ path: "tasks[7].name", message: "no such task" }]);
    expect(q?.line).toBe(3);
  });

  it("puts a root problem on line 1", () => {
    expect(problemsAt(SPEC, [{ path: "(root)", message: "x" }])[0]?.line).toBe(1);
  });

  it("finds YAML syntax errors with their line", () => {
    const bad = "name: x\ntasks:\n  - name: [a\n";
    const problems = syntaxProblems(bad);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.line).toBeGreaterThanOrEqual(3);
    expect(syntaxProblems(SPEC)).toEqual([]);
  });
});
