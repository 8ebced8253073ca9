import type { Command } from "commander";
import type { NodeView } from "../../model/index.js";
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
  const node = program.command("node").description("inspect nodes");
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
        n.status + (n.eligible ? "" : ",drained"),
        `${n.allocated.cpu}/${n.resources.cpu}`,
        `${mib(n.allocated.memory)}/${mib(n.resources.memory)}`,
        n.drivers.join(","),
        labelsText(n) || "-",
        age(n.lastHeartbeat),
      ]);
      ctx.output.out(
        table(
          ["ID", "NAME", "SITE", "STATUS", "CPU(m)", "MEMORY", "DRIVERS", "LABELS", "HEARTBEAT"],
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
          `Status      ${n.status}${n.statusReason ? ` (${n.statusReason})` : ""}${n.eligible ? "" : ", drained"}`,
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
