import { readFile } from "node:fs/promises";
import { type Command, InvalidArgumentError, Option } from "commander";
import { ALGORITHMS, DEFAULT_BUDGET_MS } from "../../scheduler/dag/algorithms.js";
import type {
  Algorithm,
  Cluster,
  InputIssue,
  Parsed,
  PlanReport,
  Workflow,
} from "../../scheduler/dag/index.js";

/** The planner and its parsers load only when a workflow command runs (the CLI starts lighter). */
const dag = () => import("../../scheduler/dag/index.js");

import { seededRandom } from "../../scheduler/random.js";
import { CliError, EXIT } from "../errors.js";
import { printJson } from "../output/print.js";
import { table } from "../output/table.js";
import type { CliContext } from "./shared.js";

const CLUSTER_EXAMPLE = `A cluster file looks like (see examples/clusters/edge-4.yaml):
  nodes:
    - {name: edge-1, speed: 1, slots: 2}   # speed: relative; slots: tasks at once
    - {name: gpu-box, speed: 4, slots: 4}
  network: {bandwidthMBps: 100, latencyMs: 5}`;

const WFFORMAT_HINT = `Expected a WfCommons WfFormat 1.5 instance: workflow.specification.tasks[] (id, parents or
children, inputFiles, outputFiles), workflow.specification.files[] (id, sizeInBytes) and
workflow.execution.tasks[] (id, runtimeInSeconds). See docs/workflows.md.`;

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${what} ${file}: ${(err as Error).message}`, EXIT.usage);
  }
}

function issuesText(issues: readonly InputIssue[]): string {
  const shown = issues.slice(0, 12).map((i) => `\n  ${i.path}: ${i.message}`);
  const more = issues.length > 12 ? `\n  ... and ${issues.length - 12} more` : "";
  return shown.join("") + more;
}

function unwrap<T>(parsed: Parsed<T>, what: string, hint: string, ctx: CliContext): T {
  if (!parsed.ok) throw new CliError(`invalid ${what}:${issuesText(parsed.issues)}\n${hint}`, 2);
  for (const w of parsed.warnings) ctx.output.err(`warning: ${what}: ${w}`);
  return parsed.value;
}

async function readJson(file: string, what: string, hint: string): Promise<unknown> {
  const text = await readText(file, what);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${what} ${file} is not JSON: ${(err as Error).message}\n${hint}`, 2);
  }
}

async function readWorkflow(file: string, ctx: CliContext): Promise<Workflow> {
  const json = await readJson(file, "workflow file", WFFORMAT_HINT);
  return unwrap((await dag()).parseWfFormat(json), `workflow file ${file}`, WFFORMAT_HINT, ctx);
}

async function readCluster(file: string, ctx: CliContext): Promise<Cluster> {
  const text = await readText(file, "cluster file");
  return unwrap((await dag()).parseClusterYaml(text), `cluster file ${file}`, CLUSTER_EXAMPLE, ctx);
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

const sec = (x: number | undefined) => (x === undefined ? "-" : `${x.toFixed(2)} s`);

/** Per-node rows: tasks, busy time, utilisation of the node's slots over the makespan. */
function nodeRows(report: PlanReport, cluster: Cluster): string[][] {
  return cluster.nodes.map((node) => {
    const mine = report.tasks.filter((t) => t.node === node.name);
    const busy = mine.reduce((s, t) => s + t.finish - t.start, 0);
    const util = report.makespan > 0 ? busy / (report.makespan * node.slots) : 0;
    return [
      node.name,
      String(node.speed),
      String(node.slots),
      String(mine.length),
      sec(busy),
      `${Math.round(util * 100)}%`,
    ];
  });
}

function printSummary(ctx: CliContext, report: PlanReport, cluster: Cluster, elapsedMs: number) {
  const from = report.brink
    ? ` (from ${report.brink.startedFrom}; ${report.brink.search.iterations} moves tried, ${report.brink.search.improvements} improvements)`
    : "";
  const lines = [
    `Workflow    ${report.workflow.name}: ${report.workflow.tasks} tasks, ${report.workflow.edges} edges`,
    `Cluster     ${report.cluster.nodes} nodes, ${report.cluster.slots} slots`,
    `Algorithm   ${report.algorithm}${from}, ${Math.round(elapsedMs)} ms`,
    `Makespan    ${sec(report.makespan)}   lower bound ${sec(report.lowerBound)}   ratio ${report.ratio.toFixed(3)}`,
  ];
  if (report.heftMakespan !== undefined)
    lines.push(`Baselines   HEFT ${sec(report.heftMakespan)}   PEFT ${sec(report.peftMakespan)}`);
  lines.push(`Self-check  ${report.valid ? "valid" : "INVALID"}`, "");
  lines.push(table(["NODE", "SPEED", "SLOTS", "TASKS", "BUSY", "UTIL"], nodeRows(report, cluster)));
  lines.push("", "Per-task nodes and start/finish times: add --json.");
  ctx.output.out(lines.join("\n"));
}

function planAction(ctx: CliContext) {
  return async (o: PlanFlags, cmd: Command) => {
    const json = cmd.optsWithGlobals<{ json?: boolean }>().json === true;
    const workflow = await readWorkflow(o.wfformat, ctx);
    const cluster = await readCluster(o.cluster, ctx);
    const started = performance.now();
    const { planWorkflow } = await dag();
    const report = planWorkflow(workflow, cluster, {
      algorithm: o.algorithm,
      budgetMs: o.budgetMs,
      clock: { now: () => performance.now() },
      random: seededRandom(o.seed),
    });
    const elapsedMs = performance.now() - started;
    if (json) printJson(ctx.output, { ...report, elapsedMs, seed: o.seed, budgetMs: o.budgetMs });
    else printSummary(ctx, report, cluster, elapsedMs);
    if (!report.valid) {
      const list = (report.violations ?? []).slice(0, 10).join("\n  ");
      throw new CliError(`the plan failed its self-check (a planner bug):\n  ${list}`, EXIT.failed);
    }
  };
}

interface PlanFlags {
  wfformat: string;
  cluster: string;
  algorithm: Algorithm;
  budgetMs: number;
  seed: number;
}

function checkAction(ctx: CliContext) {
  return async (o: { wfformat: string; cluster: string; plan: string }, cmd: Command) => {
    const json = cmd.optsWithGlobals<{ json?: boolean }>().json === true;
    const { checkPlanJson, workflowProblem } = await dag();
    const problem = workflowProblem(
      await readWorkflow(o.wfformat, ctx),
      await readCluster(o.cluster, ctx),
    );
    const hint =
      "Expected the JSON of `brink workflow plan --json`: {makespan, tasks: [{id, node, start, finish}]}.";
    const doc = await readJson(o.plan, "plan file", hint);
    const report = unwrap(checkPlanJson(problem, doc), `plan file ${o.plan}`, hint, ctx);
    if (json) printJson(ctx.output, report);
    else
      ctx.output.out(
        report.ok
          ? "The plan is valid."
          : `The plan is invalid:\n  ${report.violations.join("\n  ")}`,
      );
    if (!report.ok) process.exitCode = EXIT.failed;
  };
}

export function workflowCommands(program: Command, ctx: CliContext): void {
  const workflow = program
    .command("workflow")
    .description("plan workflows (DAGs of tasks with data between them) on a cluster, offline");
  workflow
    .command("plan")
    .description("where and when each task of a WfFormat workflow runs on a cluster file")
    .requiredOption("--wfformat <file>", "WfCommons WfFormat 1.5 instance (JSON)")
    .requiredOption("--cluster <file>", "cluster YAML: nodes {name, speed, slots} and network")
    .addOption(
      new Option("--algorithm <name>", "heft, peft, or brink (best of both, then local search)")
        .choices(ALGORITHMS)
        .default("brink"),
    )
    .option("--budget-ms <n>", "how long brink may search", wholeNumber, DEFAULT_BUDGET_MS)
    .option(
      "--seed <n>",
      "seed of brink's search (same seed and budget use: same plan)",
      wholeNumber,
      1,
    )
    .addHelpText(
      "after",
      "\nExamples:\n  brink workflow plan --wfformat montage.json --cluster examples/clusters/edge-4.yaml\n  brink workflow plan --wfformat montage.json --cluster edge-4.yaml --algorithm heft --json",
    )
    .action(planAction(ctx));
  workflow
    .command("check")
    .description("check a plan (JSON, e.g. from another tool) against a workflow and a cluster")
    .requiredOption("--wfformat <file>", "WfCommons WfFormat 1.5 instance (JSON)")
    .requiredOption("--cluster <file>", "cluster YAML")
    .requiredOption("--plan <file>", "plan JSON: {makespan, tasks: [{id, node, start, finish}]}")
    .action(checkAction(ctx));
}
