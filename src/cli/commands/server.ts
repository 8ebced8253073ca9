import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { DEFAULT_LISTEN, parseListen, serverConfig } from "../../server/config.js";
import { makeLogger } from "../../server/logger.js";
import { CliError } from "../errors.js";
import type { CliContext } from "./shared.js";

interface ServerFlags {
  listen: string;
  dataDir?: string;
  store?: string;
  logFormat: "json" | "pretty";
  logLevel: string;
  metricsAuth?: boolean;
  heartbeatInterval: string;
  heartbeatGrace: string;
  maxPendingJoins: string;
  config?: string;
}

function positiveInt(flag: string, value: string, unit: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new CliError(`${flag} must be a positive number${unit}, not "${value}"`, 2);
  return n;
}

const positiveMs = (flag: string, value: string) => positiveInt(flag, value, " of milliseconds");

/** Runs until SIGINT/SIGTERM, then closes sessions, the API and the store in order. */
export function serverCommand(program: Command, ctx: CliContext): void {
  program
    .command("server")
    .description("run the control plane: API, scheduler, agent gateway, metrics")
    .option(
      "--config <file>",
      "YAML config file (the flags' settings and declared topology links); flags win over it",
    )
    .option("--listen <host:port>", "address to listen on", DEFAULT_LISTEN)
    .option(
      "--data-dir <dir>",
      "state directory (tokens, SQLite file) [env BRINK_DATA_DIR, default ./.brink]",
    )
    .option(
      "--store <url>",
      "store URL: sqlite:<file> (default <data-dir>/brink.db) or postgres://user@host/db",
    )
    .addOption(
      new Option("--log-format <format>", "log format").choices(["json", "pretty"]).default("json"),
    )
    .option("--log-level <level>", "log level", "info")
    .option("--metrics-auth", "require the admin token on /metrics")
    .option("--heartbeat-interval <ms>", "how often agents send heartbeats", "1000")
    .option("--heartbeat-grace <ms>", "silence after which a node is declared down", "10000")
    .option(
      "--max-pending-joins <n>",
      "agent sessions admitted at once; more are told to retry later (join storms)",
      "1000",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  brink server\n  brink server --listen 0.0.0.0:7700 --data-dir /var/lib/brink\n  brink server --store postgres://brink@db.internal:5432/brink\n  brink server --config /etc/brink/server.yaml",
    )
    .action(async (f: ServerFlags, cmd: Command) => {
      // Loaded only here: the file's schema pulls in zod, which `brink agent` never needs.
      const file = f.config
        ? await import("../../server/config-file.js").then((m) => {
            try {
              return m.loadServerFile(f.config as string);
            } catch (err) {
              throw new CliError((err as Error).message, 2);
            }
          })
        : undefined;
      const given = (name: string) => cmd.getOptionValueSource(name) === "cli";
      const dataDir = resolve(f.dataDir ?? ctx.env.BRINK_DATA_DIR ?? file?.dataDir ?? ".brink");
      const { host, port } = (() => {
        try {
          return parseListen(given("listen") ? f.listen : (file?.listen ?? f.listen));
        } catch (err) {
          throw new CliError((err as Error).message, 2);
        }
      })();
      const storeUrl = f.store ?? file?.store;
      const config = serverConfig({
        host,
        port,
        dataDir,
        ...(storeUrl ? { storeUrl } : {}),
        logFormat: given("logFormat") ? f.logFormat : (file?.log?.format ?? f.logFormat),
        logLevel: given("logLevel") ? f.logLevel : (file?.log?.level ?? f.logLevel),
        metricsAuth: f.metricsAuth === true || file?.metricsAuth === true,
        heartbeatIntervalMs: given("heartbeatInterval")
          ? positiveMs("--heartbeat-interval", f.heartbeatInterval)
          : (file?.heartbeatIntervalMs ?? positiveMs("--heartbeat-interval", f.heartbeatInterval)),
        heartbeatGraceMs: given("heartbeatGrace")
          ? positiveMs("--heartbeat-grace", f.heartbeatGrace)
          : (file?.heartbeatGraceMs ?? positiveMs("--heartbeat-grace", f.heartbeatGrace)),
        maxPendingJoins: given("maxPendingJoins")
          ? positiveInt("--max-pending-joins", f.maxPendingJoins, "")
          : (file?.maxPendingJoins ?? positiveInt("--max-pending-joins", f.maxPendingJoins, "")),
        ...(file?.topology?.links ? { declaredLinks: file.topology.links } : {}),
        ...(file?.events?.keep !== undefined ? { eventsKeep: file.events.keep } : {}),
        ...(file?.events?.maxAgeMs !== undefined ? { eventsMaxAgeMs: file.events.maxAgeMs } : {}),
      });
      const logger = makeLogger(config.logFormat, config.logLevel, "brink-server");
      // Loaded here, not at CLI start: `brink agent` on a small device never loads the server.
      const { startServer } = await import("../../server/main.js");
      const server = await startServer(config, logger).catch((err: Error) => {
        throw new CliError(`server failed to start: ${err.message}`);
      });
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          logger.info({ signal }, "shutting down");
          void server.close().then(done, done);
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
    });
}
