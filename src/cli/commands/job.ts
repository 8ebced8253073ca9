import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { BrinkClient } from "../../client/index.js";
import type { Evaluation, Job } from "../../model/index.js";
import type { Plan } from "../../scheduler/plan.js";
import { CliError } from "../errors.js";
import { printJson } from "../output/print.js";
import { age, table } from "../output/table.js";
import { ALLOC_HEADER, allocRows } from "./alloc.js";
import { type CliContext, clientFor } from "./shared.js";

async function readSpec(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read job file ${file}: ${(err as Error).message}`, 2);
  }
}

/** Waits (briefly) for an evaluation to be processed, so `job run` can show where things went. */
async function waitForEval(
  client: BrinkClient,
  id: string,
  timeoutMs = 10_000,
): Promise<Evaluation | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const e = await client.getEvaluation(id).catch(() => undefined);
    if (e && e.status !== "pending") return e;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

function unplacedLines(unplaced: Record<string, string[]> | undefined): string[] {
  return Object.entries(unplaced ?? {}).flatMap(([task, reasons]) =>
    reasons.map((r) => `  ${task}: ${r}`),
  );
}

async function printStatus(client: BrinkClient, ctx: CliContext, job: Job): Promise<void> {
  const allocs = await client.jobAllocations(job.id);
  const names = new Map((await client.listNodes()).map((n) => [n.id, n.name]));
  const counts = new Map<string, number>();
  for (const a of allocs) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(", ") || "none";
  ctx.output.out(
    [
      `ID          ${job.id}`,
      `Name        ${job.name}`,
      `Type        ${job.type}`,
      `Priority    ${job.priority}`,
      `Version     ${job.version}`,
      `Status      ${job.status}`,
      `Updated     ${age(job.updatedAt)}`,
      `Allocations ${summary}`,
      "",
      allocs.length === 0 ? "No allocations." : table(ALLOC_HEADER, allocRows(allocs, names)),
    ].join("\n"),
  );
}

/** "score 72.5 = bin-pack 45, anti-affinity 100" */
export function scoreText(score: Record<string, number> | null): string {
  if (!score) return "no score";
  const parts = Object.entries(score)
    .filter(([k]) => k !== "total")
    .map(([k, v]) => `${k} ${v}`);
  return `score ${score.total ?? "-"}${parts.length > 0 ? ` = ${parts.join(", ")}` : ""}`;
}

function printPlan(ctx: CliContext, plan: Plan, names: Map<string, string>): void {
  const lines: string[] = [];
  for (const a of plan.place) {
    if (a.nodeId)
      lines.push(
        `+ ${a.task}[${a.index}] → ${names.get(a.nodeId) ?? a.nodeId} (${scoreText(a.score)})`,
      );
  }
  for (const a of plan.update) lines.push(`~ ${a.task}[${a.index}] updated in place`);
  for (const a of plan.stop)
    lines.push(`- ${a.task}[${a.index}] stopped: ${a.reasons.at(-1) ?? ""}`);
  const unplaced = unplacedLines(plan.unplaced);
  if (unplaced.length > 0) lines.push("! cannot be placed:", ...unplaced);
  if (lines.length === 0) lines.push("No changes.");
  ctx.output.out(lines.join("\n"));
}

export function jobCommands(program: Command, ctx: CliContext): void {
  const job = program.command("job").description("submit, inspect and stop jobs");
  job
    .command("run")
    .description("submit a job spec (YAML or JSON); re-submitting a name creates a new version")
    .argument("<file>", "job spec file")
    .option("--detach", "return at once instead of waiting for the placement")
    .addHelpText(
      "after",
      "\nExamples:\n  brink job run examples/hello.yaml\n  brink job run web.json --detach --json",
    )
    .action(async (file: string, o: { detach?: boolean }, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const submitted = await client.submitJob(await readSpec(file));
      const evaluation = o.detach ? undefined : await waitForEval(client, submitted.evalId);
      if (json) return printJson(ctx.output, { job: submitted, evaluation });
      ctx.output.out(
        `Job "${submitted.name}" submitted: version ${submitted.version}, id ${submitted.id}`,
      );
      if (o.detach) return;
      if (!evaluation) {
        ctx.output.out("The scheduler has not answered yet; see `brink job status` later.");
        return;
      }
      const unplaced = unplacedLines(evaluation.unplaced);
      if (unplaced.length > 0)
        ctx.output.out(["Some instances wait for capacity:", ...unplaced].join("\n"));
      await printStatus(client, ctx, await client.getJob(submitted.id));
    });
  job
    .command("plan")
    .description(
      "dry run: show what submitting the spec would do (exit 1 if anything stays unplaced)",
    )
    .argument("<file>", "job spec file")
    .addHelpText(
      "after",
      "\nExample:\n  brink job plan examples/hello.yaml && brink job run examples/hello.yaml",
    )
    .action(async (file: string, _o, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const plan = await client.planJob(await readSpec(file));
      if (json) printJson(ctx.output, plan);
      else printPlan(ctx, plan, new Map((await client.listNodes()).map((n) => [n.id, n.name])));
      if (Object.keys(plan.unplaced).length > 0) process.exitCode = 1;
    });
  job
    .command("ls")
    .description("list jobs")
    .action(async (_o, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const jobs = await client.listJobs();
      if (json) return printJson(ctx.output, jobs);
      const rows = jobs.map((j) => [
        j.id.slice(0, 8),
        j.name,
        j.type,
        String(j.priority),
        String(j.version),
        j.status,
        age(j.updatedAt),
      ]);
      ctx.output.out(
        table(["ID", "NAME", "TYPE", "PRIORITY", "VERSION", "STATUS", "UPDATED"], rows),
      );
    });
  job
    .command("status")
    .description("show a job and its allocations")
    .argument("<job>", "job name or id")
    .addHelpText("after", "\nExample:\n  brink job status hello")
    .action(async (name: string, _o, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const j = await client.getJob(name);
      if (json)
        return printJson(ctx.output, { job: j, allocations: await client.jobAllocations(j.id) });
      await printStatus(client, ctx, j);
    });
  job
    .command("stop")
    .description("stop a job: its allocations are stopped; the job stays listed as dead")
    .argument("<job>", "job name or id")
    .action(async (name: string, _o, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const j = await client.stopJob(name);
      if (json) return printJson(ctx.output, j);
      ctx.output.out(`Job "${j.name}" stopped.`);
    });
}
