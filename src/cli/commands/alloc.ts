import type { Command } from "commander";
import type { Allocation } from "../../model/index.js";
import { printJson } from "../output/print.js";
import { age, mib, table } from "../output/table.js";
import { type CliContext, clientFor } from "./shared.js";

export function allocRows(allocs: Allocation[], nodeNames: Map<string, string>): string[][] {
  return allocs.map((a) => [
    a.id.slice(0, 8),
    `${a.task}[${a.index}]`,
    a.nodeId ? (nodeNames.get(a.nodeId) ?? a.nodeId.slice(0, 8)) : "-",
    a.desiredStatus === "stop" && a.status === "running" ? "stopping" : a.status,
    a.exitCode === null ? (a.signal ?? "-") : String(a.exitCode),
    String(a.restarts),
    age(a.updatedAt),
    a.reasons.at(-1) ?? "",
  ]);
}

export const ALLOC_HEADER = [
  "ID",
  "TASK",
  "NODE",
  "STATUS",
  "EXIT",
  "RESTARTS",
  "UPDATED",
  "REASON",
];

export function allocCommands(program: Command, ctx: CliContext): void {
  const alloc = program
    .command("alloc")
    .description("inspect allocations (task instances on nodes)");
  alloc
    .command("ls")
    .description("list allocations")
    .option("--job <job>", "only this job's allocations")
    .action(async (o: { job?: string }, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const allocs = o.job ? await client.jobAllocations(o.job) : await client.listAllocations();
      if (json) return printJson(ctx.output, allocs);
      const names = new Map((await client.listNodes()).map((n) => [n.id, n.name]));
      ctx.output.out(table(ALLOC_HEADER, allocRows(allocs, names)));
    });
  alloc
    .command("show")
    .description("show one allocation")
    .argument("<alloc>", "allocation id (or a unique prefix of 4+ characters)")
    .action(async (id: string, _o, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const a = await client.getAllocation(id);
      if (json) return printJson(ctx.output, a);
      const score = a.score
        ? Object.entries(a.score)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")
        : "-";
      ctx.output.out(
        [
          `ID          ${a.id}`,
          `Job         ${a.jobId} (version ${a.jobVersion}, ${a.jobType})`,
          `Task        ${a.task}[${a.index}] (${a.taskSpec.driver})`,
          `Node        ${a.nodeId ?? "- (not placed)"}`,
          `Status      ${a.status} (desired: ${a.desiredStatus})`,
          `Exit        ${a.exitCode ?? "-"}${a.signal ? ` signal ${a.signal}` : ""}`,
          `Restarts    ${a.restarts}`,
          `Resources   cpu ${a.resources.cpu}m, memory ${mib(a.resources.memory)}`,
          `Score       ${score}`,
          `Created     ${a.createdAt}`,
          `Updated     ${a.updatedAt}`,
          `Reasons     ${a.reasons.length === 0 ? "-" : a.reasons.join("\n            ")}`,
        ].join("\n"),
      );
    });
  alloc
    .command("logs")
    .description("print an allocation's output (read from its node through the agent session)")
    .argument("<alloc>", "allocation id (or a unique prefix)")
    .option("--stderr", "print stderr instead of stdout")
    .option("--tail <bytes>", "at most this many bytes from the end", (v) => Number(v))
    .addHelpText(
      "after",
      "\nExamples:\n  brink alloc logs 3f2a9c1e\n  brink alloc logs 3f2a9c1e --stderr --tail 4096",
    )
    .action(async (id: string, o: { stderr?: boolean; tail?: number }, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const a = await client.getAllocation(id);
      const text = await client.allocLogs(a.id, o.stderr ? "stderr" : "stdout", o.tail);
      if (json)
        return printJson(ctx.output, {
          allocId: a.id,
          stream: o.stderr ? "stderr" : "stdout",
          data: text,
        });
      process.stdout.write(text);
    });
}
