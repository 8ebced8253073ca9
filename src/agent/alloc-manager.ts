import { open } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { type AgentAlloc, type AllocReport, defaultRestart } from "../model/index.js";
import type { Driver } from "./drivers/driver.js";
import { findDriver } from "./drivers/registry.js";
import { TaskRunner, type TaskStatusUpdate } from "./task-runner.js";

interface Entry {
  alloc: AgentAlloc;
  runner: TaskRunner | null;
  last: AllocReport;
}

export interface AllocManagerOptions {
  dataDir: string;
  nodeId: () => string;
  drivers: Readonly<Record<string, Driver>>;
  logger: Logger;
  /** Called with every status change (the session forwards it when connected). */
  report(report: AllocReport): void;
}

/**
 * Converges the allocations running on this node to the desired set from the server: starts
 * what is new, stops what is told to stop or is no longer wanted, remembers each allocation's
 * last status so a new session can report it. A bad allocation becomes `failed`, never a crash.
 */
export class AllocManager {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly opts: AllocManagerOptions) {}

  allocDir(allocId: string): string {
    return join(this.opts.dataDir, "allocs", allocId);
  }

  /** The last known status of every allocation this agent holds (sent in `hello`). */
  reports(): AllocReport[] {
    return [...this.entries.values()].map((e) => e.last);
  }

  reconcile(desired: AgentAlloc[]): void {
    const wanted = new Map(desired.map((a) => [a.id, a]));
    for (const [id, entry] of this.entries) {
      const want = wanted.get(id);
      if (!want || want.desiredStatus === "stop") this.stopEntry(entry);
      if (!want && this.isFinished(entry)) this.entries.delete(id);
    }
    for (const alloc of desired) {
      if (alloc.desiredStatus === "run" && !this.entries.has(alloc.id)) this.startAlloc(alloc);
    }
  }

  private isFinished(e: Entry): boolean {
    return e.last.status !== "running" && e.last.status !== "pending";
  }

  private stopEntry(entry: Entry): void {
    if (entry.runner) {
      const runner = entry.runner;
      entry.runner = null;
      void runner.stop().catch((err: unknown) => this.opts.logger.error({ err }, "stop failed"));
    } else if (!this.isFinished(entry)) {
      this.update(entry, { status: "stopped", restarts: entry.last.restarts ?? 0 });
    }
  }

  private startAlloc(alloc: AgentAlloc): void {
    const entry: Entry = {
      alloc,
      runner: null,
      last: { allocId: alloc.id, status: "pending", restarts: 0 },
    };
    this.entries.set(alloc.id, entry);
    const driver = findDriver(this.opts.drivers, alloc.taskSpec.driver);
    if (!driver) {
      this.update(entry, {
        status: "failed",
        reason: `this node has no driver "${alloc.taskSpec.driver}"`,
        restarts: 0,
      });
      return;
    }
    const spec = alloc.taskSpec;
    const runner = new TaskRunner({
      allocId: alloc.id,
      jobType: alloc.jobType,
      dir: this.allocDir(alloc.id),
      driver,
      config: spec.config,
      env: this.taskEnv(alloc),
      memoryMiB: alloc.resources.memory,
      killTimeoutMs: spec.killTimeout,
      restart: spec.restart ?? defaultRestart(alloc.jobType),
      onStatus: (u) => this.update(entry, u),
      logger: this.opts.logger.child({ allocId: alloc.id, task: alloc.task }),
    });
    entry.runner = runner;
    this.opts.logger.info(
      { allocId: alloc.id, job: alloc.jobName, task: alloc.task },
      "starting allocation",
    );
    runner.start();
  }

  private taskEnv(alloc: AgentAlloc): Record<string, string> {
    return {
      ...alloc.taskSpec.env,
      BRINK_JOB_ID: alloc.jobId,
      BRINK_JOB_NAME: alloc.jobName,
      BRINK_TASK_NAME: alloc.task,
      BRINK_ALLOC_INDEX: String(alloc.index),
      BRINK_NODE_ID: this.opts.nodeId(),
    };
  }

  private update(entry: Entry, u: TaskStatusUpdate): void {
    const report: AllocReport = { allocId: entry.alloc.id, status: u.status, restarts: u.restarts };
    if (u.exitCode !== undefined) report.exitCode = u.exitCode;
    if (u.signal !== undefined) report.signal = u.signal;
    if (u.reason !== undefined) report.reason = u.reason;
    entry.last = report;
    if (u.status !== "running") entry.runner = u.status === "stopped" ? null : entry.runner;
    this.opts.report(report);
  }

  /** The last `tailBytes` of an allocation's stdout or stderr. */
  async readLog(allocId: string, stream: "stdout" | "stderr", tailBytes: number): Promise<string> {
    if (!/^[0-9a-zA-Z-]+$/.test(allocId)) throw new Error("bad allocation id");
    const path = join(this.allocDir(allocId), `${stream}.log`);
    const file = await open(path, "r").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return undefined;
      throw err;
    });
    if (!file) return "";
    try {
      const { size } = await file.stat();
      const length = Math.min(size, tailBytes);
      const buf = Buffer.alloc(length);
      await file.read(buf, 0, length, size - length);
      return buf.toString("utf8");
    } finally {
      await file.close();
    }
  }

  /** Stops every task (agent shutdown). */
  async stopAll(): Promise<void> {
    const runners = [...this.entries.values()].map((e) => e.runner).filter((r) => r !== null);
    await Promise.all(runners.map((r) => r.stop().catch(() => undefined)));
  }
}
