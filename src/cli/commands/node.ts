import type { Command } from "commander";
import type { NodeView } from "../../model/index.js";
import { CliError } from "../errors.js";
import { printJson } from "../output/print.js";
import { age, mib, table } from "../output/table.js";
import { type CliContext, clientFor } from "./shared.js";

function labelsText(n: NodeView): string {
  return Object.entries(n.labels)
    .filter(([k]) => !k.startsWith("brink/"))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

export function nodeCommands(program: Command, ctx: CliContext): void {
  const node = program.command("node").description("inspect, drain and (de)activate nodes");
  node
    .command("drain")
    .description(
      "stop placing work on a node and move its work away (service instances a few at a time)",
    )
    .argument("<node>", "node id or name")
    .option("--deadline <duration>", "after this, whatever is left is stopped", "1h")
    .addHelpText(
      "after",
      "\nExamples:\n  brink node drain edge-2 --deadline 5m\n  brink node eligibility edge-2 --enable   # take work again afterwards",
    )
    .action(async (id: string, o: { deadline: string }, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const n = await client.drainNode(id, o.deadline);
      if (json) return printJson(ctx.output, n);
      ctx.output.out(
        `Draining ${n.name} until ${n.drain?.deadline ?? "-"}; it takes no new work. Watch: brink node show ${n.name}`,
      );
    });
  node
    .command("eligibility")
    .description(
      "take a node out of placement (--disable) or back in (--enable); its current work stays",
    )
    .argument("<node>", "node id or name")
    .option("--enable", "accept new work")
    .option("--disable", "accept no new work")
    .action(async (id: string, o: { enable?: boolean; disable?: boolean }, cmd: Command) => {
      if (o.enable === o.disable)
        throw new CliError("give exactly one of --enable or --disable", 2);
      const { client, json } = clientFor(cmd, ctx);
      const n = await client.setEligibility(id, o.enable === true);
      if (json) return printJson(ctx.output, n);
      ctx.output.out(`${n.name} is now ${n.eligible ? "eligible" : "ineligible"} for new work.`);
    });
  node
    .command("ls")
    .description("list nodes")
    .addHelpText("after", "\nExample:\n  brink node ls --json")
    .action(async (_o, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const nodes = await client.listNodes();
      if (json) return printJson(ctx.output, nodes);
      const rows = nodes.map((n) => [
        n.id.slice(0, 8),
        n.name,
        n.site,
        n.status + (n.drain ? ",draining" : n.eligible ? "" : ",ineligible"),
        `${n.allocated.cpu}/${n.resources.cpu}`,
        `${mib(n.allocated.memory)}/${mib(n.resources.memory)}`,
        n.drivers.join(","),
        labelsText(n) || "-",
        age(n.lastHeartbeat),
        n.status === "ready" ? "" : (n.statusReason ?? ""),
      ]);
      ctx.output.out(
        table(
          [
            "ID",
            "NAME",
            "SITE",
            "STATUS",
            "CPU(m)",
            "MEMORY",
            "DRIVERS",
            "LABELS",
            "HEARTBEAT",
            "REASON",
          ],
          rows,
        ),
      );
    });
  node
    .command("show")
    .description("show one node and its allocations")
    .argument("<node>", "node id or name")
    .addHelpText("after", "\nExample:\n  brink node show edge-1")
    .action(async (id: string, _o, cmd: Command) => {
      const { client, json } = clientFor(cmd, ctx);
      const n = await client.getNode(id);
      if (json) return printJson(ctx.output, n);
      const allocs = (await client.listAllocations()).filter((a) => a.nodeId === n.id);
      const gpus = n.gpus.map((g) => `${g.model} (${mib(g.memory)})`).join(", ") || "none";
      ctx.output.out(
        [
          `ID          ${n.id}`,
          `Name        ${n.name}`,
          `Site        ${n.site}`,
          `Status      ${n.status}${n.statusReason ? ` (${n.statusReason})` : ""}${n.statusSince ? `, since ${age(n.statusSince)}` : ""}`,
          `Eligible    ${n.eligible ? "yes" : "no"}${n.drain ? ` (draining until ${n.drain.deadline})` : ""}`,
          `Peer        ${n.peerAddr ?? "-"}`,
          `CPU         ${n.allocated.cpu}/${n.resources.cpu} millicores (${n.attributes.cpuModel})`,
          `Memory      ${mib(n.allocated.memory)}/${mib(n.resources.memory)}`,
          `Disk        ${mib(n.allocated.disk)}/${mib(n.resources.disk)}`,
          `GPUs        ${gpus}`,
          `System      ${n.attributes.os}/${n.attributes.arch}, kernel ${n.attributes.kernel}`,
          `Drivers     ${n.drivers.join(", ") || "none"}`,
          `Labels      ${Object.entries(n.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}`,
          `Heartbeat   ${age(n.lastHeartbeat)}`,
          "",
          allocs.length === 0
            ? "No allocations."
            : table(
                ["ALLOC", "JOB", "TASK", "STATUS", "CPU(m)", "MEMORY"],
                allocs.map((a) => [
                  a.id.slice(0, 8),
                  a.jobId.slice(0, 8),
                  `${a.task}[${a.index}]`,
                  a.status,
                  String(a.resources.cpu),
                  mib(a.resources.memory),
                ]),
              ),
        ].join("\n"),
      );
    });
}
