import { join } from "node:path";
import type { DeclaredLink } from "./topology/declared.js";

/** Everything `brink server` is configured by, validated once in `main` and frozen. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** `sqlite:<path>` or `postgres://...` */
  storeUrl: string;
  logFormat: "json" | "pretty";
  logLevel: string;
  /** Require the admin token on `/metrics` too. */
  metricsAuth: boolean;
  /** How often agents send heartbeats. */
  heartbeatIntervalMs: number;
  /** Silence after which a node with no witness in its site is declared down. */
  heartbeatGraceMs: number;
  /** phi-accrual suspicion level at which a silent node becomes suspect. */
  phiThreshold: number;
  /** How long witnesses get to answer a probe request. */
  witnessTimeoutMs: number;
  /** Bytes of a log returned by default (`tail`). */
  logTailBytes: number;
  /** Agent sessions admitted at once (upgraded, hello not yet processed); more get 503 + Retry-After. */
  maxPendingJoins: number;
  /** Declared links from the config file: replace the stored ones at start when given. */
  declaredLinks?: DeclaredLink[];
  /** Event log retention: keep the newest this many events (0 = no count limit). */
  eventsKeep: number;
  /** Event log retention: drop events older than this many ms (0 = no age limit). */
  eventsMaxAgeMs: number;
  /**
   * Desired-state pushes to one node are at most this far apart while commits keep changing it
   * (the first after a quiet spell goes at once); 0 pushes after every commit.
   */
  pushIntervalMs: number;
  /** How often an event stream gets a `: ping` comment (15 s; shorter in tests). */
  eventPingMs: number;
}

export const DEFAULT_LISTEN = "127.0.0.1:7700";

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(value);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m?.[1] || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--listen "${value}" is not HOST:PORT (for example 127.0.0.1:7700)`);
  }
  return { host: m[1].replace(/^\[(.*)\]$/, "$1"), port };
}

export function serverConfig(over: Partial<ServerConfig> & { dataDir: string }): ServerConfig {
  return Object.freeze({
    host: "127.0.0.1",
    port: 7700,
    storeUrl: `sqlite:${join(over.dataDir, "brink.db")}`,
    logFormat: "json",
    logLevel: "info",
    metricsAuth: false,
    heartbeatIntervalMs: 1000,
    heartbeatGraceMs: 10_000,
    phiThreshold: 8,
    witnessTimeoutMs: 3000,
    logTailBytes: 1 << 20,
    maxPendingJoins: 1000,
    eventsKeep: 100_000,
    eventsMaxAgeMs: 7 * 24 * 3_600_000,
    eventPingMs: 15_000,
    pushIntervalMs: 250,
    ...over,
  });
}
