import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, removeDir, tempDir } from "./harness.js";

const EXAMPLES = join(import.meta.dirname, "..", "examples", "sim");

function brink(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FIELDS = [
  "policy",
  "tasks",
  "completed",
  "failed",
  "meanLatency",
  "p50Latency",
  "p95Latency",
  "p99Latency",
  "deadlineMissRate",
  "utilization",
  "energyJ",
  "networkBytes",
  "reschedules",
  "meanRecoverySec",
  "workflowMakespans",
];

const SMALL = `
seed: 4
duration: 400
cluster:
  sites:
    - name: edge
      nodes: [{ name: e, count: 6, cpu: 4000, memory: 8192, slots: 2, power: { idleW: 5, busyW: 12 } }]
    - name: cloud
      nodes: [{ name: c, count: 1, cpu: 32000, memory: 65536, speed: 4, slots: 16 }]
  links: [{ from: edge, to: cloud, latencyMs: 30, bandwidthMbps: 50 }]
workloads:
  - name: req
    arrivals: { type: poisson, ratePerSec: 10 }
    origin: site:edge
    task: { work: { dist: lognormal, mean: 0.3, sd: 0.2 }, cpu: 500, inputBytes: 50000, deadlineMs: 400 }
  - name: replay
    arrivals: { type: trace, file: arrivals.txt }
    origin: node:e-1
    task: { work: { dist: uniform, min: 0.1, max: 0.5 } }
  - name: flow
    workflow: { wfformat: ../../examples/sim/workflows/ml-pipeline.json, everySec: 200 }
failures:
  - { at: 30, node: e-2, kind: crash, recoverAfter: 20 }
policies: [brink, random, latency_greedy]
`;

describe("brink sim (real process)", () => {
  const dir = tempDir("sim-cli");
  afterAll(() => removeDir(dir));

  it("prints one JSON line per policy with the contract's fields, the same for the same seed", () => {
    writeFileSync(join(dir, "arrivals.txt"), "time\n0.5\n1.5\n# comment\n2.5\n");
    const file = join(dir, "small.yaml");
    // The workflow path is relative to the scenario file.
    writeFileSync(
      file,
      SMALL.replace(
        "../../examples/sim/workflows/ml-pipeline.json",
        join(EXAMPLES, "workflows", "ml-pipeline.json"),
      ),
    );
    const r = brink("sim", file, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.policy)).toEqual(["brink", "random", "latency_greedy"]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(FIELDS);
      expect(l.tasks).toBeGreaterThan(1000);
      expect(l.completed).toBeLessThanOrEqual(l.tasks);
      expect(l.utilization).toBeGreaterThan(0);
      expect(l.utilization).toBeLessThanOrEqual(1);
      expect(l.energyJ).toBeGreaterThan(0);
      expect(l.workflowMakespans.length).toBeGreaterThan(0);
    }
    expect(brink("sim", file, "--json").stdout).toBe(r.stdout);
    const other = brink("sim", file, "--json", "--seed", "5", "--policies", "brink");
    expect(other.code).toBe(0);
    expect(other.stdout.trim().split("\n")).toHaveLength(1);
    expect(other.stdout).not.toBe(r.stdout.split("\n")[0]);
  });

  it("prints a table and writes a self-contained HTML report", () => {
    const out = join(dir, "report");
    const r = brink(
      "sim",
      join(EXAMPLES, "ifogsim-vrgame.yaml"),
      "--policies",
      "brink,least_loaded",
      "--report",
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/POLICY\s+TASKS\s+DONE/);
    expect(r.stdout).toMatch(/^brink\s+6400\s/m);
    expect(r.stdout).toMatch(/^least_loaded\s+6400\s/m);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).toContain("Latency CDF");
    expect(html).toContain("Energy by site");
    expect(html).toContain("d3-0 crash");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("rejects a bad scenario with the path of the problem (exit 2)", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, SMALL.replace("ratePerSec: 10", "ratePerSec: 0"));
    const r = brink("sim", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("workloads[0].arrivals.ratePerSec: expected a positive number");
    const missing = brink("sim", join(dir, "nope.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read scenario");
    expect(existsSync(join(dir, "nope.yaml"))).toBe(false);
  });
});
