import type { Command } from "commander";
import type { EventListQuery } from "../../client/index.js";
import type { BrinkEvent } from "../../model/index.js";
import { CliError } from "../errors.js";
import { printJson } from "../output/print.js";
import { table } from "../output/table.js";
import { type CliContext, clientFor } from "./shared.js";

interface EventsFlags {
  type?: string;
  node?: string;
  job?: string;
  alloc?: string;
  since?: string;
  last: string;
  follow?: boolean;
}

const HEADER = ["ID", "TIME", "TYPE", "NODE", "JOB", "MESSAGE"];

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new CliError(`${flag} must be a whole number of at least ${min}, not "${value}"`, 2);
  }
  return n;
}

/** `HH:MM:SS` today, the date too otherwise (local time). */
function when(iso: string, now = new Date()): string {
  const t = new Date(iso);
  const clock = t.toTimeString().slice(0, 8);
  return t.toDateString() === now.toDateString()
    ? clock
    : `${t.toISOString().slice(0, 10)} ${clock}`;
}

function row(e: BrinkEvent): string[] {
  return [String(e.id), when(e.time), e.type, e.nodeName ?? "-", e.jobName ?? "-", e.message];
}

/** One line per event while following (columns cannot be sized ahead). */
function line(e: BrinkEvent): string {
  const [id, time, type, , , message] = row(e);
  return `${(id ?? "").padStart(6)}  ${time}  ${(type ?? "").padEnd(17)}  ${message}`;
}

export function eventsCommand(program: Command, ctx: CliContext): void {
  program
    .command("events")
    .description("show what happened in the cluster: nodes, jobs, allocations (--follow to watch)")
    .option("--type <types>", "only these types or groups, comma-separated (node.down,alloc.*,job)")
    .option("--node <node>", "only events of this node (id or name)")
    .option("--job <job>", "only events of this job (id or name)")
    .option("--alloc <id>", "only events of this allocation")
    .option("--since <id>", "only events after this event id (all of them, oldest first)")
    .option("--last <n>", "how many of the newest events to show", "20")
    .option("-f, --follow", "keep printing new events as they happen (Ctrl-C to stop)")
    .addHelpText(
      "after",
      "\nExamples:\n  brink events\n  brink events --type node.down,node.suspect --last 50\n  brink events --job web --follow\n  brink events --follow --json     # one JSON event per line",
    )
    .action(async (f: EventsFlags, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const filter: EventListQuery = {
        ...(f.type ? { type: f.type } : {}),
        ...(f.node ? { node: f.node } : {}),
        ...(f.job ? { job: f.job } : {}),
        ...(f.alloc ? { alloc: f.alloc } : {}),
      };
      const last = wholeNumber("--last", f.last, 1);
      const since = f.since === undefined ? undefined : wholeNumber("--since", f.since, 0);
      const shown =
        since === undefined
          ? await client.listEvents({ ...filter, latest: Math.min(last, 5000) })
          : await allAfter(client, filter, since);
      if (!f.follow) {
        if (json) return printJson(ctx.output, shown);
        if (shown.length === 0) return ctx.output.out("no events");
        return ctx.output.out(table(HEADER, shown.map(row)));
      }
      const print = (e: BrinkEvent) => ctx.output.out(json ? JSON.stringify(e) : line(e));
      for (const e of shown) print(e);
      const ctrl = new AbortController();
      const stop = () => ctrl.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      const from = shown.at(-1)?.id ?? (await client.listEvents({ latest: 1 })).at(-1)?.id ?? 0;
      await client.streamEvents({ ...filter, since: Math.max(from, since ?? 0) }, print, {
        signal: ctrl.signal,
        onStatus: (status, err) => {
          if (status === "reconnecting")
            ctx.output.err(`event stream interrupted (${String(err)}); reconnecting`);
        },
      });
    });
}

async function allAfter(
  client: ReturnType<typeof clientFor>["client"],
  filter: EventListQuery,
  since: number,
): Promise<BrinkEvent[]> {
  const out: BrinkEvent[] = [];
  let cursor: string | undefined = String(since);
  while (cursor !== undefined) {
    const page: { items: BrinkEvent[]; next?: string } = await client.listEventsPage({
      ...filter,
      cursor,
      limit: 5000,
    });
    out.push(...page.items);
    cursor = page.next;
  }
  return out;
}
