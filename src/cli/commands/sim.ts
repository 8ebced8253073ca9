import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import type { Workflow } from "../../scheduler/dag/index.js";
import type { PolicyDetail, PolicyName, PolicyResult, Scenario } from "../../sim/index.js";
import { CliError, EXIT } from "../errors.js";
import { table } from "../output/table.js";
import type { CliContext } from "./shared.js";

/** The simulator, its planner and its report load only when `brink sim` runs. */
const simModule = () => import("../../sim/index.js");
const dagModule = () => import("../../scheduler/dag/index.js");
const reportModule = () => import("../../sim/report.js");

const SCENARIO_HINT = `A scenario looks like (see examples/sim/ and docs/simulator.md):
  seed: 7
  duration: 3600
  cluster:
    sites: [{ name: edge-a, nodes: [{ name: e, count: 50, cpu: 4000, memory: 8192, slots: 4 }] }]
  workloads:
    - name: sensors
      arrivals: { type: poisson, ratePerSec: 20 }
      origin: site:edge-a
      task: { work: { dist: exponential, mean: 0.2 }, cpu: 500, deadlineMs: 500 }`;

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${what} ${file}: ${(err as Error).message}`, EXIT.usage);
  }
}

async function loadScenario(file: string): Promise<Scenario> {
  const sim = await simModule();
  const parsed = sim.parseScenarioYaml(await readText(file, "scenario"));
  if (!parsed.ok) {
    const lines = parsed.issues.slice(0, 15).map((i) => `\n  ${i.path}: ${i.message}`);
    const more = parsed.issues.length > 15 ? `\n  ... and ${parsed.issues.length - 15} more` : "";
    throw new CliError(`invalid scenario ${file}:${lines.join("")}${more}\n${SCENARIO_HINT}`, 2);
  }
  return parsed.value;
}

/** A trace file: a JSON array of arrival times, or one time per line (first CSV column). */
function parseTrace(text: string, file: string): number[] {
  const trimmed = text.trim();
  const values: unknown[] = trimmed.startsWith("[")
    ? (JSON.parse(trimmed) as unknown[])
    : trimmed
        .split(/\r?\n/)
        .map((l) => l.split(",")[0]?.trim() ?? "")
        .filter((l) => l !== "" && !l.startsWith("#") && !/^[a-z_]+$/i.test(l))
        .map(Number);
  return values.map((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
      throw new CliError(
        `trace ${file}: entry ${i + 1} is not an arrival time in seconds ≥ 0 (${JSON.stringify(v)})`,
        EXIT.usage,
      );
    return v;
  });
}

/** Reads the workflow and trace files the scenario names (relative to the scenario's folder). */
async function loadInputs(scenario: Scenario, file: string) {
  const base = dirname(resolve(file));
  const workflows = new Map<string, Workflow>();
  const traces = new Map<string, number[]>();
  const dag = await dagModule();
  for (const w of scenario.workloads) {
    if ("workflow" in w) {
      const path = resolve(base, w.workflow.wfformat);
      let doc: unknown;
      try {
        doc = JSON.parse(await readText(path, "workflow file"));
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(`workflow file ${path} is not JSON: ${(err as Error).message}`, 2);
      }
      const parsed = dag.parseWfFormat(doc);
      if (!parsed.ok)
        throw new CliError(
          `invalid workflow file ${path} (workload ${w.name}):${parsed.issues
            .slice(0, 10)
            .map((i) => `\n  ${i.path}: ${i.message}`)
            .join("")}\nExpected a WfCommons WfFormat 1.5 instance; see docs/workflows.md.`,
          2,
        );
      workflows.set(w.workflow.wfformat, parsed.value);
    } else if (w.arrivals.type === "trace") {
      const path = resolve(base, w.arrivals.file);
      try {
        traces.set(w.arrivals.file, parseTrace(await readText(path, "trace file"), path));
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(`trace file ${path}: ${(err as Error).message}`, EXIT.usage);
      }
    }
  }
  return { workflows, traces };
}

/** A progress bar on stderr, only on a terminal. */
function progressBar(label: string): { update(f: number): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = -1;
  return {
    update(f) {
      if (!tty) return;
      const pct = Math.floor(f * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r${label.padEnd(16)} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${String(pct).padStart(3)}%`,
      );
    },
    done() {
      if (tty) process.stderr.write(`\r${" ".repeat(60)}\r`);
    },
  };
}

const num = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : "-");

/** The comparison table of the policies. */
export function resultTable(results: readonly PolicyResult[]): string {
  const rows = results.map((r) => {
    const m = r.workflowMakespans;
    const makespan = m.length > 0 ? num(m.reduce((a, b) => a + b, 0) / m.length, 1) : "-";
    return [
      r.policy,
      String(r.tasks),
      String(r.completed),
      String(r.failed),
      num(r.meanLatency),
      num(r.p50Latency),
      num(r.p95Latency),
      num(r.p99Latency),
      `${num(r.deadlineMissRate * 100, 2)}%`,
      `${num(r.utilization * 100, 1)}%`,
      num(r.energyJ / 1000, 1),
      num(r.networkBytes / 1e6, 1),
      String(r.reschedules),
      num(r.meanRecoverySec, 2),
      makespan,
    ];
  });
  return table(
    [
      "POLICY",
      "TASKS",
      "DONE",
      "FAILED",
      "MEAN s",
      "P50 s",
      "P95 s",
      "P99 s",
      "MISSED",
      "UTIL",
      "ENERGY kJ",
      "NET MB",
      "RESCHED",
      "RECOVERY s",
      "MAKESPAN s",
    ],
    rows,
  );
}

interface SimFlags {
  seed?: number;
  policies?: PolicyName[];
  report?: string;
  progress: boolean;
}

function simAction(ctx: CliContext) {
  return async (file: string, o: SimFlags, cmd: Command) => {
    const json = cmd.optsWithGlobals<{ json?: boolean }>().json === true;
    const scenario = await loadScenario(file);
    if (o.seed !== undefined) scenario.seed = o.seed;
    if (o.policies) scenario.policies = o.policies;
    const inputs = await loadInputs(scenario, file);
    const { simulate } = await simModule();
    const details: PolicyDetail[] = [];
    for (const policy of scenario.policies) {
      const bar = o.progress ? progressBar(policy) : { update() {}, done() {} };
      const detail = simulate(scenario, inputs, { policy, onProgress: bar.update });
      bar.done();
      details.push(detail);
      if (json) ctx.output.out(JSON.stringify(detail.result));
    }
    if (!json) ctx.output.out(resultTable(details.map((d) => d.result)));
    if (o.report) {
      const { renderReport } = await reportModule();
      await mkdir(o.report, { recursive: true });
      const out = join(o.report, "index.html");
      await writeFile(out, renderReport(scenario, file, details));
      if (!json) ctx.output.out(`\nReport written to ${out}`);
      else ctx.output.err(`report written to ${out}`);
    }
  };
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("expected a whole number");
  return n;
}

export function simCommand(program: Command, ctx: CliContext, policies: readonly string[]): void {
  program
    .command("sim")
    .description(
      "simulate a scenario (a fleet, workloads, failures) on a virtual clock with the real scheduler, and compare placement policies",
    )
    .argument("<scenario>", "scenario YAML file (see docs/simulator.md and examples/sim/)")
    .option("--seed <n>", "override the scenario's seed (same seed → identical results)", integer)
    .option(
      "--policies <list>",
      `comma-separated policies to run instead of the scenario's (${policies.join(", ")})`,
      (v: string) => {
        const list = v.split(",").map((p) => p.trim());
        for (const p of list)
          if (!policies.includes(p))
            throw new InvalidArgumentError(`unknown policy "${p}"; known: ${policies.join(", ")}`);
        return list as PolicyName[];
      },
    )
    .option("--report <dir>", "write an HTML report with charts to <dir>/index.html")
    .option("--no-progress", "no progress bar (it shows only when stderr is a terminal)")
    .addHelpText(
      "after",
      `
Output: a table comparing the policies; with --json one JSON line per policy:
  {"policy","tasks","completed","failed","meanLatency","p50Latency","p95Latency","p99Latency",
   "deadlineMissRate","utilization","energyJ","networkBytes","reschedules","meanRecoverySec",
   "workflowMakespans"}   (times in seconds, utilization 0..1)

Examples:
  brink sim examples/sim/edge-cloud.yaml
  brink sim examples/sim/edgecloudsim-default.yaml --policies brink,random --report out/
  brink sim examples/sim/edge-cloud.yaml --seed 3 --json`,
    )
    .action(simAction(ctx));
}
