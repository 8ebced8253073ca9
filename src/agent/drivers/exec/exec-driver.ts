import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import type { AdoptRequest, Driver, StartRequest, TaskHandle } from "../driver.js";
import { AdoptedHandle } from "./adopted-handle.js";
import { cgroupMemoryUsable } from "./cgroup-detect.js";
import { parseExecConfig } from "./config.js";
import { DEFAULT_TASK_PATH, taskEnvironment } from "./environment.js";
import { ExecHandle } from "./exec-handle.js";
import { withLogFiles } from "./log-files.js";
import { attachMemoryGuard, startMemoryGuard } from "./memory-guard.js";
import { isSameProcess, processRecord } from "./proc-identity.js";
import { type SpawnedTask, spawnTask } from "./spawn-task.js";

export interface ExecDriverOptions {
  /** PATH given to tasks (main passes the agent's own); default DEFAULT_TASK_PATH. */
  path?: string;
  /** cgroup v2 mount for memory limits; null never uses cgroups. Default "/sys/fs/cgroup". */
  cgroupRoot?: string | null;
  /** RSS sampling interval when no cgroup is usable; default 1 s (one shared /proc scan serves all tasks). */
  memorySampleMs?: number;
  /** How often an adopted task (started by a previous agent process) is checked; default 250 ms. */
  adoptPollMs?: number;
}

/**
 * `exec`: runs a command as a child process in its own process group, output appended to
 * `<dir>/stdout.log` and `<dir>/stderr.log`. A command that cannot be spawned makes `start`
 * reject with "command not found: <cmd>" or "permission denied: <cmd>".
 */
export class ExecDriver implements Driver {
  readonly name = "exec";
  private readonly path: string;
  private readonly sampleIntervalMs: number;
  private readonly cgroupRoot: Promise<string | null>;
  private readonly adoptPollMs: number;

  constructor(opts: ExecDriverOptions = {}) {
    this.path = opts.path ?? DEFAULT_TASK_PATH;
    this.sampleIntervalMs = opts.memorySampleMs ?? 1000;
    this.adoptPollMs = opts.adoptPollMs ?? 250;
    const root = opts.cgroupRoot === undefined ? "/sys/fs/cgroup" : opts.cgroupRoot;
    this.cgroupRoot =
      root === null
        ? Promise.resolve(null)
        : cgroupMemoryUsable(root).then((ok) => (ok ? root : null));
  }

  async available(): Promise<boolean> {
    return process.platform !== "win32";
  }

  async start(req: StartRequest): Promise<TaskHandle> {
    const config = parseExecConfig(req.config);
    const dir = resolve(req.dir);
    await mkdir(dir, { recursive: true });
    const env = taskEnvironment({ allocId: req.allocId, dir, path: this.path, env: req.env });
    const task = await withLogFiles(dir, (stdout, stderr) =>
      spawnTask({ command: config.command, args: config.args, cwd: dir, env, stdout, stderr }),
    );
    // Read at once: the start time is fixed at fork, and the pid is ours until it is reaped.
    const record = await processRecord(task.pid);
    return new ExecHandle(task, await this.guard(task, req), record);
  }

  /** Takes over a task a previous agent process left running, if it is still that process. */
  async adopt(req: AdoptRequest): Promise<TaskHandle | undefined> {
    if (!(await isSameProcess(req.record))) return undefined;
    const guard = await attachMemoryGuard(
      await this.guardOptions(req.allocId, req.record.pid, req),
    );
    return new AdoptedHandle(req.record, guard, {
      pollMs: this.adoptPollMs,
      alive: (record) => isSameProcess(record),
    });
  }

  private async guard(task: SpawnedTask, req: StartRequest) {
    return startMemoryGuard(await this.guardOptions(req.allocId, task.pid, req));
  }

  private async guardOptions(allocId: string, pid: number, req: { memoryMiB: number }) {
    return {
      allocId,
      pid,
      memoryMiB: req.memoryMiB,
      cgroupRoot: await this.cgroupRoot,
      sampleIntervalMs: this.sampleIntervalMs,
    };
  }
}

export function createExecDriver(opts: ExecDriverOptions = {}): ExecDriver {
  return new ExecDriver(opts);
}
