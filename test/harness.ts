import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { BrinkClient } from "../src/client/index.js";

/**
 * The built CLI (`npm test` builds before running tests). `BRINK_CLI` points the tests and
 * benchmarks at another build's `dist/cli/main.js` (to compare two builds run after run).
 */
export const CLI =
  process.env.BRINK_CLI ?? join(import.meta.dirname, "..", "dist", "cli", "main.js");

export interface Proc {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

export function startBrink(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BRINK_TOKEN: "", BRINK_ADDR: "", ...env },
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on("line", (l) => lines.push(l));
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, lines, exited };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ""}`);
}

/** A temporary directory removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `brink-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface TestServer {
  proc: Proc;
  url: string;
  dataDir: string;
  admin: BrinkClient;
  joinToken: string;
}

/** Starts `brink server` on a free port and waits until it listens. */
export async function startServer(
  dataDir: string,
  extra: string[] = [],
  listen = "127.0.0.1:0",
): Promise<TestServer> {
  const proc = startBrink(["server", "--listen", listen, "--data-dir", dataDir, ...extra]);
  const url = await waitFor("the server to listen", () => {
    for (const line of proc.lines) {
      if (!line.startsWith("{")) continue;
      const rec = JSON.parse(line) as { url?: string };
      if (rec.url) return rec.url;
    }
    if (proc.child.exitCode !== null) throw new Error(`server exited: ${proc.lines.join("\n")}`);
    return undefined;
  });
  const token = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
  const joinToken = readFileSync(join(dataDir, "join.token"), "utf8").trim();
  return { proc, url, dataDir, admin: new BrinkClient({ addr: url, token }), joinToken };
}

export function startAgent(
  server: { url: string; joinToken: string },
  name: string,
  dataDir: string,
  extra: string[] = [],
): Proc {
  return startBrink([
    "agent",
    "--server",
    server.url,
    "--join-token",
    server.joinToken,
    "--name",
    name,
    "--data-dir",
    join(dataDir, name),
    // Many agents share one machine in tests: each load balancer takes any free port.
    ...(extra.includes("--lb-listen") ? [] : ["--lb-listen", "127.0.0.1:0"]),
    ...extra,
  ]);
}

export async function stop(proc: Proc, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
  return proc.exited;
}

/** Stops a process politely, then for good if it does not exit within 5 s. */
export async function halt(proc: Proc): Promise<void> {
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), 5000);
  await stop(proc);
  clearTimeout(timer);
}

/** Whether a process with this pid is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills processes left behind under `dir` (tasks of agents that were SIGKILLed on purpose). */
export function killStrays(dir: string): void {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone, or not ours
    }
  }
}

/** Waits until `count` nodes are ready. */
export function waitReady(server: TestServer, count: number, timeoutMs = 30_000): Promise<true> {
  return waitFor(
    `${count} ready nodes`,
    async () =>
      (await server.admin.listNodes()).filter((n) => n.status === "ready").length >= count ||
      undefined,
    timeoutMs,
  );
}

/** Stops agents and server, kills what their tasks left behind, removes the directory. */
export async function teardown(
  agents: Iterable<Proc>,
  server: TestServer | undefined,
  dir: string,
): Promise<void> {
  await Promise.all([...agents].map((a) => stop(a)));
  if (server) await stop(server.proc);
  killStrays(dir);
  removeDir(dir);
}

/** Live task processes under `dir` (zombies are not running). */
export function tasksUnder(dir: string): number {
  let n = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat[stat.lastIndexOf(")") + 2] !== "Z") n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}
