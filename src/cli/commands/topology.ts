import type { Command } from "commander";
import { CliError } from "../errors.js";
import { printJson } from "../output/print.js";
import { table } from "../output/table.js";
import { type CliContext, clientFor } from "./shared.js";

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new CliError(`${flag} must be a number ≥ 0, not "${value}"`, 2);
  return n;
}

export function topologyCommands(program: Command, ctx: CliContext): void {
  const topo = program
    .command("topology")
    .description("show the network: sites, nodes, declared links and measured round-trip times")
    .addHelpText(
      "after",
      "\nExamples:\n  brink topology\n  brink topology link site-a cloud --latency-ms 40 --bandwidth-mbps 100",
    )
    .action(async (_o, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const t = await client.topology();
      if (json) return printJson(ctx.output, t);
      const rtt = new Map(t.nodes.map((n) => [n.name, n.serverRttMs]));
      const tree = t.sites.flatMap((s) => [
        `${s.name}`,
        ...s.nodes.map(
          (n, i) =>
            `${i === s.nodes.length - 1 ? "└─" : "├─"} ${n}  (control plane RTT ${rtt.get(n) ?? "-"} ms)`,
        ),
      ]);
      const rows = t.links.map((l) => [
        l.kind,
        l.from,
        l.to,
        String(l.latencyMs),
        l.bandwidthMbps === undefined ? "-" : String(l.bandwidthMbps),
      ]);
      ctx.output.out(
        [
          ...tree,
          "",
          rows.length
            ? table(["KIND", "FROM", "TO", "LATENCY(ms)", "BANDWIDTH(Mbps)"], rows)
            : "No links yet.",
        ].join("\n"),
      );
    });
  topo
    .command("link")
    .description("declare (or replace) a link between sites, or a site and the cloud")
    .argument("<from>")
    .argument("<to>")
    .requiredOption("--latency-ms <ms>", "round-trip latency")
    .requiredOption("--bandwidth-mbps <mbps>", "bandwidth")
    .action(
      async (
        from: string,
        to: string,
        o: { latencyMs: string; bandwidthMbps: string },
        cmd: Command,
      ) => {
        const { client, json } = clientFor(cmd, ctx);
        const current = (await client.topology()).links.filter((l) => l.kind === "declared");
        const kept = current.filter(
          (l) => !(l.from === from && l.to === to) && !(l.from === to && l.to === from),
        );
        const link = {
          from,
          to,
          latencyMs: positive("--latency-ms", o.latencyMs),
          bandwidthMbps: positive("--bandwidth-mbps", o.bandwidthMbps),
        };
        const links = await client.setDeclaredLinks([
          ...kept.map((l) => ({
            from: l.from,
            to: l.to,
            latencyMs: l.latencyMs,
            bandwidthMbps: l.bandwidthMbps ?? 0,
          })),
          link,
        ]);
        if (json) return printJson(ctx.output, links);
        ctx.output.out(
          `Declared ${from} ↔ ${to}: ${link.latencyMs} ms, ${link.bandwidthMbps} Mbps.`,
        );
      },
    );
}
