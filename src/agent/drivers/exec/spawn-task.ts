import { spawn } from "node:child_process";

/** How the leader process of a task ended, as Node reports it. */
export interface ProcessExit {
  exitCode: number | null;
  signal: string | null;
}

export interface SpawnOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Open file descriptors for the task's stdout and stderr. */
  stdout: number;
  stderr: number;
}

/** A started task: its pid (also its process group id) and its exit. */
export interface SpawnedTask {
  pid: number;
  exit: Promise<ProcessExit>;
}

/** Turns a spawn failure into a message an operator can act on. */
export function describeSpawnError(command: string, err: NodeJS.ErrnoException): string {
  if (err.code === "ENOENT") return `command not found: ${command}`;
  if (err.code === "EACCES") return `permission denied: ${command}`;
  return `cannot start ${command}: ${err.message}`;
}

/**
 * Spawns the task in its own process group, detached from the agent (an agent that exits or is
 * upgraded leaves it running). Rejects with a clear Error when it cannot start
 * (missing command, not executable) instead of emitting an error event later.
 */
export async function spawnTask(opts: SpawnOptions): Promise<SpawnedTask> {
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ["ignore", opts.stdout, opts.stderr],
  });
  const failed = new Promise<NodeJS.ErrnoException>((resolve) => child.once("error", resolve));
  child.on("error", () => {}); // errors after a successful start must not crash the agent
  const exit = new Promise<ProcessExit>((resolve) =>
    child.once("exit", (exitCode, signal) => resolve({ exitCode, signal })),
  );
  if (child.pid === undefined) throw new Error(describeSpawnError(opts.command, await failed));
  // The task must outlive the agent: no pipes to it, and it does not keep the agent's loop alive.
  child.unref();
  return { pid: child.pid, exit };
}
