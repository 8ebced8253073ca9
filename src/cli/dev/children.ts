import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { cliEntry } from "../paths.js";

export interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

/** Starts `brink <args>` as a child process with its output appended to a log file. */
export function spawnBrink(name: string, args: string[], logFile: string): Child {
  const fd = openSync(logFile, "a");
  const proc = spawn(process.execPath, [cliEntry(), ...args], {
    stdio: ["ignore", fd, fd],
    env: { ...process.env, BRINK_TOKEN: "", BRINK_ADDR: "" },
  });
  const exited = new Promise<number | null>((resolve) => {
    proc.once("exit", (code) => resolve(code));
    proc.once("error", () => resolve(-1));
  });
  return { name, proc, logFile, exited };
}

/** SIGTERM, then SIGKILL after `graceMs` if the child is still alive. */
export async function stopChild(child: Child, graceMs: number): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill("SIGTERM");
  const timer = setTimeout(() => child.proc.kill("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
}
