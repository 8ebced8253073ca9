import { resolve } from "node:path";
import type { Command } from "commander";
import type { LocalAllocView } from "../../agent/alloc-manager.js";
import { callLocalApi, LocalApiError } from "../../agent/local-api/client.js";
import { localApiSocket } from "../../agent/local-api/socket-path.js";
import type { GlobalOptions } from "../context.js";
import { CliError } from "../errors.js";
import { printJson } from "../output/print.js";
import { age, table } from "../output/table.js";
import type { CliContext } from "./shared.js";

interface LocalFlags extends GlobalOptions {
  dataDir?: string;
}

const DATA_DIR_HELP = "the agent's data dir (where its agent.sock is)";

/** `--data-dir` is also the parent `agent` command's option, so read it with the globals. */
function socketOf(cmd: Command): { socket: string; json: boolean } {
  const f = cmd.optsWithGlobals<LocalFlags>();
  return { socket: localApiSocket(resolve(f.dataDir ?? "./.brink-agent")), json: f.json === true };
}

async function call(socket: string, method: "GET" | "POST", path: string): Promise<unknown> {
  try {
    return await callLocalApi(socket, method, path);
  } catch (err) {
    if (err instanceof LocalApiError) throw new CliError(err.message, 1);
    throw err;
  }
}

function rows(allocs: LocalAllocView[]): string[][] {
  return allocs.map((a) => [
    a.id.slice(0, 8),
    a.job,
    `${a.task}[${a.index}]`,
    a.status + (a.desired === "stop" ? ",desired-stop" : ""),
    a.pid === null ? "-" : String(a.pid),
    String(a.restarts),
    age(a.since),
    a.reason ?? "",
  ]);
}

/**
 * `brink agent ps` and `brink agent stop`: talk to the agent running on this machine through its
 * unix socket, so they work while the control plane is unreachable.
 */
export function agentLocalCommands(agent: Command, ctx: CliContext): void {
  agent
    .command("ps")
    .description("list the allocations of the agent on this machine (works offline)")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .addHelpText("after", "\nExample:\n  brink agent ps --data-dir /var/lib/brink-agent --json")
    .action(async (_o, cmd: Command) => {
      const { socket, json } = socketOf(cmd);
      const { allocs } = (await call(socket, "GET", "/v1/allocs")) as { allocs: LocalAllocView[] };
      if (json) return printJson(ctx.output, allocs);
      if (allocs.length === 0) return ctx.output.out("No allocations.");
      const header = ["ALLOC", "JOB", "TASK", "STATUS", "PID", "RESTARTS", "SINCE", "REASON"];
      ctx.output.out(table(header, rows(allocs)));
    });
  agent
    .command("stop")
    .description("stop an allocation on this machine now, without the control plane")
    .argument("<alloc>", "allocation id or unique prefix")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .addHelpText(
      "after",
      "\nThe server is told once the agent reconnects; the agent does not restart it meanwhile.\nExample:\n  brink agent stop 3f2a91c0",
    )
    .action(async (id: string, _o, cmd: Command) => {
      const { socket, json } = socketOf(cmd);
      const path = `/v1/allocs/${encodeURIComponent(id)}/stop`;
      const { alloc } = (await call(socket, "POST", path)) as { alloc: LocalAllocView };
      if (json) return printJson(ctx.output, alloc);
      ctx.output.out(
        `Stopped allocation ${alloc.id} (${alloc.job}/${alloc.task}[${alloc.index}]).`,
      );
    });
}
