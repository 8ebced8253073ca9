import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, removeDir, tempDir } from "./harness.js";

const TRACES = join(import.meta.dirname, "..", "..", "shared", "data", "workflows");
const MONTAGE = join(TRACES, "montage-chameleon-2mass-01d-001.json");
const EDGE4 = join(import.meta.dirname, "..", "examples", "clusters", "edge-4.yaml");

function brink(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("brink workflow plan (real process)", () => {
  const dir = tempDir("workflow-cli");
  afterAll(() => removeDir(dir));

  it("prints the plan contract as JSON", () => {
    const r = brink(
      "workflow",
      "plan",
      "--wfformat",
      MONTAGE,
      "--cluster",
      EDGE4,
      "--budget-ms",
      "200",
      "--json",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ algorithm: "brink", valid: true });
    expect(typeof plan.makespan).toBe("number");
    expect(plan.makespan).toBeGreaterThanOrEqual(plan.lowerBound);
    expect(plan.makespan).toBeLessThanOrEqual(Math.min(plan.heftMakespan, plan.peftMakespan));
    expect(plan.tasks).toHaveLength(103);
    for (const t of plan.tasks) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(["id", "node", "start", "finish"]));
      expect(["pi-1", "nuc-1", "nuc-2", "gpu-box"]).toContain(t.node);
    }
    expect(Math.max(...plan.tasks.map((t: { finish: number }) => t.finish))).toBe(plan.makespan);
    // The same plan passes `workflow check`, as another tool's plan would.
    const file = join(dir, "plan.json");
    writeFileSync(file, r.stdout);
    const check = brink(
      "workflow",
      "check",
      "--wfformat",
      MONTAGE,
      "--cluster",
      EDGE4,
      "--plan",
      file,
    );
    expect(check).toMatchObject({ code: 0, stdout: "The plan is valid.\n" });
  });

  it("prints a readable summary without --json, and runs heft alone", () => {
    const r = brink(
      "workflow",
      "plan",
      "--wfformat",
      MONTAGE,
      "--cluster",
      EDGE4,
      "--algorithm",
      "heft",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Makespan\s+[\d.]+ s\s+lower bound [\d.]+ s/);
    expect(r.stdout).toMatch(/NODE\s+SPEED\s+SLOTS\s+TASKS\s+BUSY\s+UTIL/);
    expect(r.stdout).toMatch(/gpu-box\s+4\s+4/);
  });

  it("rejects a bad cluster file with exit code 2, the path of each problem and an example", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "nodes:\n  - {name: a, speed: -1}\nnetwork: {latencyMs: 5}\n");
    const r = brink("workflow", "plan", "--wfformat", MONTAGE, "--cluster", bad, "--json");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`invalid cluster file ${bad}`);
    expect(r.stderr).toMatch(/nodes\[0\]\.speed: speed must be > 0/);
    expect(r.stderr).toMatch(/network\.bandwidthMBps: /);
    expect(r.stderr).toContain("A cluster file looks like");
  });

  it("rejects a missing file, a cyclic workflow and a bad flag with exit code 2", () => {
    const missing = brink(
      "workflow",
      "plan",
      "--wfformat",
      join(dir, "nope.json"),
      "--cluster",
      EDGE4,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read workflow file .*nope\.json/);
    const cyclic = join(dir, "cyclic.json");
    const tasks = [
      { id: "a", parents: ["b"] },
      { id: "b", parents: ["a"] },
    ];
    writeFileSync(cyclic, JSON.stringify({ workflow: { specification: { tasks } } }));
    const r = brink("workflow", "plan", "--wfformat", cyclic, "--cluster", EDGE4);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cycle: (a → b → a|b → a → b)/);
    const flag = brink(
      "workflow",
      "plan",
      "--wfformat",
      MONTAGE,
      "--cluster",
      EDGE4,
      "--algorithm",
      "fifo",
    );
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/heft, peft, brink/);
  });
});
