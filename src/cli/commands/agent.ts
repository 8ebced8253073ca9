import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { AgentFatalError, startAgent } from "../../agent/agent.js";
import type { AgentConfig } from "../../agent/config.js";
import { HOLLOW_PROFILES, type HollowProfile } from "../../agent/hollow/profiles.js";
import { startHollow } from "../../agent/hollow/run-hollow.js";
import { parseListen } from "../../server/config.js";
import { makeLogger } from "../../server/logger.js";
import { CliError } from "../errors.js";
import { agentLocalCommands } from "./agent-local.js";
import type { CliContext } from "./shared.js";

interface AgentFlags {
  server: string;
  joinToken?: string;
  joinTokenFile?: string;
  name?: string;
  site: string;
  label: string[];
  dataDir?: string;
  peerListen: string;
  lbListen: string;
  portRange: string;
  logFormat: "json" | "pretty";
  logLevel: string;
  stopTasksOnExit?: boolean;
  hollow?: string;
  hollowProfile: HollowProfile;
  hollowRunDelay: string;
  hollowSites: string;
  hollowJoinConcurrency: string;
}

function wholeFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${flag} must be a whole number ≥ ${min}, not "${value}"`, 2);
  return n;
}

/** `--hollow N`: simulated nodes for scale tests, until SIGINT/SIGTERM. */
async function runHollow(f: AgentFlags): Promise<void> {
  const token = joinToken(f);
  if (!token) throw new CliError("--hollow needs --join-token or --join-token-file", 2);
  const logger = makeLogger(
    f.logFormat,
    f.logLevel === "info" ? "warn" : f.logLevel,
    "brink-hollow",
  );
  const hollow = await startHollow({
    serverUrl: f.server.replace(/\/+$/, ""),
    joinToken: token,
    count: wholeFlag("--hollow", f.hollow ?? "0", 1),
    profile: f.hollowProfile,
    namePrefix: f.name ?? "hollow",
    sites: wholeFlag("--hollow-sites", f.hollowSites, 1),
    labels: labelsFrom(f.label),
    runDelayMs: wholeFlag("--hollow-run-delay", f.hollowRunDelay, 0),
    joinConcurrency: wholeFlag("--hollow-join-concurrency", f.hollowJoinConcurrency, 1),
    logger,
  });
  process.stderr.write(`${hollow.nodes.length} hollow nodes joined\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      hollow.close();
      done();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
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

/** HOST:PORT, or :PORT for `defaultHost`; port 0 = any free port. */
function listenOf(
  flag: string,
  value: string,
  defaultHost: string,
): { host: string; port: number } {
  try {
    return parseListen(value.startsWith(":") ? `${defaultHost}${value}` : value);
  } catch {
    throw new CliError(
      `${flag} "${value}" is not HOST:PORT (for example ${defaultHost}:7702, or :0 for any free port)`,
      2,
    );
  }
}

function portRangeOf(value: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(value.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1 || max > 65535 || min > max)
    throw new CliError(
      `--port-range "${value}" is not LOW-HIGH within 1-65535 (for example 20000-32000)`,
      2,
    );
  return { min, max };
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
  const command = program
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
    .option(
      "--peer-listen <host:port>",
      "peer port that site peers probe to tell a partition from a dead node (port 0 = any free port)",
      "0.0.0.0:0",
    )
    .option(
      "--lb-listen <host:port>",
      "local load balancer: http://HOST:PORT/<service>/... reaches a healthy endpoint of the service (port 0 = any free port)",
      "127.0.0.1:7701",
    )
    .option(
      "--port-range <low-high>",
      "host ports for tasks' `ports` are assigned from this range",
      "20000-32000",
    )
    .addOption(
      new Option("--log-format <format>", "log format").choices(["json", "pretty"]).default("json"),
    )
    .option("--log-level <level>", "log level", "info")
    .option(
      "--stop-tasks-on-exit",
      "stop the tasks when the agent exits (default: leave them running; the next agent adopts them)",
    )
    .addHelpText(
      "after",
      "\nExample:\n  brink agent --server http://10.0.0.1:7700 --join-token-file join.token --site store-12 --label zone=a\n\nScale testing (simulated nodes, like kubemark):\n  brink agent --hollow 1000 --hollow-profile mixed --server http://127.0.0.1:7700 --join-token-file .brink/join.token",
    )
    .option(
      "--hollow <n>",
      "scale testing: run N simulated nodes in this process (real protocol, pretend driver)",
    )
    .addOption(
      new Option("--hollow-profile <profile>", "simulated machines")
        .choices([...HOLLOW_PROFILES])
        .default("mixed"),
    )
    .option("--hollow-run-delay <ms>", "a hollow allocation goes running after this delay", "100")
    .option("--hollow-sites <n>", "spread hollow nodes over this many sites", "10")
    .option("--hollow-join-concurrency <n>", "hollow joins in flight at once", "50")
    .action(async (f: AgentFlags) => {
      if (f.hollow !== undefined) return runHollow(f);
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
        peerListen: listenOf("--peer-listen", f.peerListen, "0.0.0.0"),
        lbListen: listenOf("--lb-listen", f.lbListen, "127.0.0.1"),
        portRange: portRangeOf(f.portRange),
        logFormat: f.logFormat,
        logLevel: f.logLevel,
      });
      const logger = makeLogger(config.logFormat, config.logLevel, "brink-agent");
      const agent = await startAgent(config, logger).catch((err: Error) => {
        if (err instanceof AgentFatalError) throw new CliError(err.message, 2);
        throw err;
      });
      await new Promise<void>((done) => {
        const stopTasks = f.stopTasksOnExit === true;
        const stop = (signal: string) => {
          const tasks = stopTasks ? "stopping its tasks" : "leaving its tasks running";
          logger.info({ signal }, `agent stopping; ${tasks}`);
          void agent.close({ stopTasks }).then(done, done);
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
    });
  agentLocalCommands(command, ctx);
}
