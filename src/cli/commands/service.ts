import type { Command } from "commander";
import type { ServiceView } from "../../model/index.js";
import { printJson } from "../output/print.js";
import { table } from "../output/table.js";
import { type CliContext, clientFor } from "./shared.js";

function endpointRows(s: ServiceView): string[][] {
  return s.endpoints.map((e) => [
    e.node,
    `${e.address}:${e.port}`,
    e.health,
    e.rttMs === null ? "-" : String(e.rttMs),
    e.allocId.slice(0, 8),
  ]);
}

export function serviceCommands(program: Command, ctx: CliContext): void {
  const service = program
    .command("service")
    .description("services: running allocations of tasks with ports, and their endpoints");
  service
    .command("list")
    .alias("ls")
    .description("list services with their endpoint counts")
    .option("--near <node>", "give RTTs from this node (sorts endpoints nearest first)")
    .action(async (o: { near?: string }, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const list = await client.listServices(o.near);
      if (json) return printJson(ctx.output, list);
      if (list.length === 0) return ctx.output.out("No services.");
      const rows = list.map((s) => [
        s.name,
        s.policy,
        String(s.endpoints.filter((e) => e.health === "healthy").length),
        String(s.endpoints.length),
        s.endpoints[0] ? `${s.endpoints[0].node} (${s.endpoints[0].rttMs ?? "-"} ms)` : "-",
      ]);
      ctx.output.out(table(["NAME", "POLICY", "HEALTHY", "ENDPOINTS", "NEAREST"], rows));
    });
  service
    .command("show")
    .description("one service's endpoints, nearest first")
    .argument("<name>")
    .option("--near <node>", "give RTTs from this node (sorts endpoints nearest first)")
    .addHelpText(
      "after",
      "\nExample:\n  brink service show shop-web --near edge-2\n\nOn a node, reach the service through the agent's load balancer:\n  curl http://127.0.0.1:7701/shop-web/orders/7",
    )
    .action(async (name: string, o: { near?: string }, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const s = await client.getService(name, o.near);
      if (json) return printJson(ctx.output, s);
      const head = `${s.name}  policy ${s.policy}${s.hashHeader ? ` (hash ${s.hashHeader})` : ""}`;
      const rows = endpointRows(s);
      ctx.output.out(
        [
          head,
          rows.length
            ? table(["NODE", "ADDRESS", "HEALTH", "RTT(ms)", "ALLOC"], rows)
            : "No endpoints.",
        ].join("\n"),
      );
    });
}
