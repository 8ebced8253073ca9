import type { Command } from "commander";
import { runDev } from "../dev/dev.js";
import type { CliContext } from "./shared.js";

export function devCommand(program: Command, ctx: CliContext): void {
  program
    .command("dev")
    .description(
      "start a local cluster: a server and three agents as separate processes; prints the dashboard link (/ui/#token=…)",
    )
    .option("--demo", "also submit the jobs in examples/")
    .option("--data-dir <dir>", "where all state and logs go", ".brink")
    .option("--listen <host:port>", "server address", "127.0.0.1:7700")
    .addHelpText(
      "after",
      "\nExamples:\n  brink dev --demo      # what `npm start` runs\n  brink dev --data-dir /tmp/brink --listen 127.0.0.1:7800",
    )
    .action(async (o: { demo?: boolean; dataDir: string; listen: string }) => {
      await runDev({
        dataDir: o.dataDir,
        listen: o.listen,
        demo: o.demo === true,
        output: ctx.output,
      });
    });
}
