import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { parseDuration } from "../../model/duration.js";
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
  pushInterval: string;
  config?: string;
  eventsKeep: string;
  eventsMaxAge: string;
}

function positiveInt(flag: string, value: string, unit: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new CliError(`${flag} must be a positive number${unit}, not "${value}"`, 2);
  return n;
}

const positiveMs = (flag: string, value: string) => positiveInt(flag, value, " of milliseconds");

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0)
    throw new CliError(`${flag} must be a whole number (0 = no limit), not "${value}"`, 2);
  return n;
}

function msOrZero(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0)
    throw new CliError(
      `${flag} must be a whole number of milliseconds (0 = off), not "${value}"`,
      2,
    );
  return n;
}

function duration(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new CliError(`${flag} must be a duration like 168h, 30m or 0, not "${value}"`, 2);
  return ms;
}

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
    .option(
      "--push-interval <ms>",
      "while commits keep changing a node, push it at most once per interval (0 = after every commit)",
      "250",
    )
    .option(
      "--events-keep <n>",
      "event log retention: keep the newest N events (0 = no limit)",
      "100000",
    )
    .option(
      "--events-max-age <duration>",
      "event log retention: drop events older than this, e.g. 168h, 30m (0 = no limit)",
      "168h",
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
        pushIntervalMs: given("pushInterval")
          ? msOrZero("--push-interval", f.pushInterval)
          : (file?.pushIntervalMs ?? msOrZero("--push-interval", f.pushInterval)),
        ...(file?.topology?.links ? { declaredLinks: file.topology.links } : {}),
        eventsKeep: given("eventsKeep")
          ? wholeNumber("--events-keep", f.eventsKeep)
          : (file?.events?.keep ?? wholeNumber("--events-keep", f.eventsKeep)),
        eventsMaxAgeMs: given("eventsMaxAge")
          ? duration("--events-max-age", f.eventsMaxAge)
          : (file?.events?.maxAgeMs ?? duration("--events-max-age", f.eventsMaxAge)),
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
