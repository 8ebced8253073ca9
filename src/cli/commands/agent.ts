import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { AgentFatalError, startAgent } from "../../agent/agent.js";
import type { AgentConfig } from "../../agent/config.js";
import { makeLogger } from "../../server/logger.js";
import { CliError } from "../errors.js";
import type { CliContext } from "./shared.js";

interface AgentFlags {
  server: string;
  joinToken?: string;
  joinTokenFile?: string;
  name?: string;
  site: string;
  label: string[];
  dataDir?: string;
  logFormat: "json" | "pretty";
  logLevel: string;
}

function parseLabel(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function labelsFrom(list: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new CliError(`--label "${item}" is not KEY=VALUE`, 2);
    const key = item.slice(0, eq);
    if (key.startsWith("brink/"))
      throw new CliError(`--label "${key}": brink/* labels are set by Brink`, 2);
    labels[key] = item.slice(eq + 1);
  }
  return labels;
}

function joinToken(f: AgentFlags): string | undefined {
  if (f.joinToken) return f.joinToken.trim();
  if (!f.joinTokenFile) return undefined;
  try {
    return readFileSync(f.joinTokenFile, "utf8").trim();
  } catch (err) {
    throw new CliError(`cannot read --join-token-file: ${(err as Error).message}`, 2);
  }
}

export function agentCommand(program: Command, ctx: CliContext): void {
  program
    .command("agent")
    .description("run the node agent: join, report resources, run allocations")
    .option("--server <url>", "control plane URL", "http://127.0.0.1:7700")
    .option("--join-token <token>", "the cluster's join token (needed for the first join)")
    .option("--join-token-file <file>", "read the join token from a file")
    .option("--name <name>", "node name (default: hostname)")
    .option("--site <site>", "site this node belongs to", "default")
    .option("--label <k=v>", "node label (repeatable)", parseLabel, [])
    .option(
      "--data-dir <dir>",
      "agent state directory (credential, allocation dirs)",
      "./.brink-agent",
    )
    .addOption(
      new Option("--log-format <format>", "log format").choices(["json", "pretty"]).default("json"),
    )
    .option("--log-level <level>", "log level", "info")
    .addHelpText(
      "after",
      "\nExample:\n  brink agent --server http://10.0.0.1:7700 --join-token-file join.token --site store-12 --label zone=a",
    )
    .action(async (f: AgentFlags) => {
      const config: AgentConfig = Object.freeze({
        serverUrl: f.server.replace(/\/+$/, ""),
        joinToken: joinToken(f),
        name: f.name ?? hostname(),
        site: f.site,
        labels: labelsFrom(f.label),
        dataDir: resolve(f.dataDir ?? "./.brink-agent"),
        reconnectMinMs: 250,
        reconnectMaxMs: 10_000,
        taskPath: ctx.env.PATH,
        logFormat: f.logFormat,
        logLevel: f.logLevel,
      });
      const logger = makeLogger(config.logFormat, config.logLevel, "brink-agent");
      const agent = await startAgent(config, logger).catch((err: Error) => {
        if (err instanceof AgentFatalError) throw new CliError(err.message, 2);
        throw err;
      });
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          logger.info({ signal }, "agent stopping; stopping its tasks");
          void agent.close().then(done, done);
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
    });
}
