import { open } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { AgentAlloc, AllocPort, AllocReport, Health } from "../model/index.js";
import { defaultRestart } from "../model/restart-defaults.js";
// From its own module: model/index.js would load zod into the agent (see session.ts).
import { portEnvName } from "../model/service.js";
import type { Driver, TaskHandle } from "./drivers/driver.js";
import { DEFAULT_TASK_PATH, taskEnvironment } from "./drivers/exec/environment.js";
import { findDriver } from "./drivers/registry.js";
import { HealthChecker } from "./health/health-checker.js";
import { isSafeAllocId, LocalState, type StoredTask } from "./local-state.js";
import { PortPool } from "./ports/port-pool.js";
import { TaskRunner, type TaskStatusUpdate } from "./task-runner.js";

/** Reason reported for an allocation stopped with `brink agent stop`. */
export const LOCAL_STOP_REASON = "stopped locally by an operator";

interface Entry {
  alloc: AgentAlloc;
  runner: TaskRunner | null;
  last: AllocReport;
  /** When `last` changed (ms). */
  since: number;
  /** Stopped by an operator on this node: not restarted while the server still lists it as run. */
  localStop: boolean;
  /** Host ports assigned to it (tasks with `ports`). */
  ports: AllocPort[];
  /** Its check's verdict while it runs (tasks with a `check`). */
  health?: Health;
  checker: HealthChecker | null;
}

/** A task found running after an agent restart, to continue instead of starting anew. */
interface Adopted {
  handle: TaskHandle;
  task: StoredTask;
}

/** One allocation as `brink agent ps` shows it. */
export interface LocalAllocView {
  id: string;
  job: string;
  task: string;
  index: number;
  status: AllocReport["status"];
  desired: AgentAlloc["desiredStatus"];
  pid: number | null;
  restarts: number;
  /** When the status last changed (ISO). */
  since: string;
  reason?: string;
}

/** A local operation that cannot be done; `code` is from the error registry. */
export class LocalOpError extends Error {
  constructor(
    readonly code: "ALLOCATION_NOT_FOUND" | "CONFLICT" | "BAD_REQUEST",
    message: string,
  ) {
    super(message);
  }
}

export interface AllocManagerOptions {
  dataDir: string;
  nodeId: () => string;
  drivers: Readonly<Record<string, Driver>>;
  logger: Logger;
  /** Called with every status change (the session forwards it when connected). */
  report(report: AllocReport): void;
  /** PATH for `exec` health checks (the one tasks get). */
  taskPath?: string | undefined;
  /** Host ports for tasks with `ports` (default: 20000-32000). */
  ports?: PortPool;
  now?: () => number;
}

const TERMINAL = new Set(["complete", "failed", "stopped"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Enough of an allocation's shape to run it (local state files can be damaged or old). */
function wellFormed(a: AgentAlloc): boolean {
  const spec = a.taskSpec as unknown;
  return (
    isSafeAllocId(a.id) &&
    isObject(spec) &&
    typeof spec.driver === "string" &&
    isObject(spec.config) &&
    isObject(a.resources as unknown) &&
    typeof a.jobType === "string"
  );
}

/**
 * Converges the allocations running on this node to the desired set from the server: starts
 * what is new, stops what is told to stop or is no longer wanted, remembers each allocation's
 * last status so a new session can report it. Works without the server too: `restore` adopts
 * the tasks a previous agent process left running and starts again what a reboot ended, from
 * local state; `stopLocally` serves operators on the node. Each task's process and each final
 * status are persisted per allocation. A bad allocation becomes `failed`, never a crash.
 */
export class AllocManager {
  private readonly entries = new Map<string, Entry>();
  private readonly state: LocalState;
  private readonly now: () => number;
  private readonly ports: PortPool;
  private readonly writes = new Set<Promise<void>>();
  /** Set by `stopAll`: tasks stopped because the agent exits must run again at its next start. */
  private shuttingDown = false;

  constructor(private readonly opts: AllocManagerOptions) {
    this.state = new LocalState(opts.dataDir);
    this.now = opts.now ?? Date.now;
    this.ports = opts.ports ?? new PortPool();
  }

  allocDir(allocId: string): string {
    return this.state.allocDir(allocId);
  }

  /** The last known status of every allocation this agent holds (sent in `hello`). */
  reports(): AllocReport[] {
    return [...this.entries.values()].map((e) => e.last);
  }

  /** Every allocation this agent holds, for `brink agent ps`. */
  list(): LocalAllocView[] {
    return [...this.entries.values()]
      .map((e) => this.view(e))
      .sort(
        (a, b) => a.job.localeCompare(b.job) || a.task.localeCompare(b.task) || a.index - b.index,
      );
  }

  reconcile(desired: AgentAlloc[]): void {
    const wanted = new Map(desired.map((a) => [a.id, a]));
    for (const [id, entry] of this.entries) {
      const want = wanted.get(id);
      if (!want || want.desiredStatus === "stop") {
        entry.localStop = false; // the server agrees now; nothing left to remember
        this.stopEntry(entry);
      }
      if (!want && this.isFinished(entry)) this.entries.delete(id);
    }
    for (const alloc of desired) {
      if (alloc.desiredStatus !== "run" || this.entries.has(alloc.id)) continue;
      this.guarded(alloc, () => this.startAlloc(alloc));
    }
  }

  /**
   * Resumes from local state at agent start, before the server is heard from: for each
   * allocation to run, a final status on disk is kept as it is (a finished batch never runs
   * twice; a local stop is remembered), a task still running as the recorded process is adopted,
   * and anything else (the machine rebooted, the task died meanwhile) is started again. A task
   * still running for an allocation to stop is adopted and stopped.
   */
  async restore(allocs: AgentAlloc[]): Promise<void> {
    for (const alloc of allocs) {
      if (!isObject(alloc as unknown) || this.entries.has(alloc.id)) continue;
      try {
        await this.restoreOne(alloc);
      } catch (err) {
        this.entries.delete(alloc.id);
        this.opts.logger.error({ err, allocId: alloc.id }, "cannot restore allocation");
      }
    }
  }

  private async restoreOne(alloc: AgentAlloc): Promise<void> {
    if (!wellFormed(alloc)) throw new Error("malformed allocation in local state");
    const result = await this.state.loadResult(alloc.id);
    if (result) {
      const { report, at, localStop } = result;
      this.entries.set(alloc.id, {
        alloc,
        runner: null,
        last: report,
        since: at,
        localStop,
        ports: [],
        checker: null,
      });
      return;
    }
    const task = await this.state.loadTask(alloc.id);
    const ports = await this.state.loadPorts(alloc.id);
    const handle = task ? await this.adoptTask(alloc, task) : undefined;
    const log = { allocId: alloc.id, job: alloc.jobName, task: alloc.task };
    if (alloc.desiredStatus !== "run") {
      // Told to stop, but the last agent process exited before the task did: finish the stop.
      if (!handle || !task) return;
      this.opts.logger.info({ ...log, pid: handle.pid }, "stopping a task left running");
      this.startAlloc(alloc, { handle, task }, 0, ports);
      const entry = this.entries.get(alloc.id);
      if (entry) this.stopEntry(entry);
      return;
    }
    if (handle && task) {
      this.opts.logger.info({ ...log, pid: handle.pid }, "re-adopted a running task");
      this.startAlloc(alloc, { handle, task }, 0, ports);
    } else {
      this.opts.logger.info(log, "task not running; starting it again from local state");
      this.startAlloc(alloc, undefined, task ? task.restarts + 1 : 0, ports);
    }
  }

  private async adoptTask(alloc: AgentAlloc, task: StoredTask): Promise<TaskHandle | undefined> {
    const driver = findDriver(this.opts.drivers, alloc.taskSpec.driver);
    if (!driver?.adopt || driver.name !== task.driver) return undefined;
    const { pid, startTime, bootId } = task;
    return driver
      .adopt({
        allocId: alloc.id,
        dir: this.allocDir(alloc.id),
        memoryMiB: alloc.resources.memory,
        record: { pid, startTime, bootId },
      })
      .catch((err: unknown) => {
        this.opts.logger.warn({ err, allocId: alloc.id }, "adopting the task failed");
        return undefined;
      });
  }

  /** Stops an allocation on an operator's request (id or unique id prefix), offline too. */
  async stopLocally(idOrPrefix: string): Promise<LocalAllocView> {
    const entry = this.find(idOrPrefix);
    if (this.isFinished(entry)) {
      throw new LocalOpError(
        "CONFLICT",
        `allocation ${entry.alloc.id} is already ${entry.last.status}`,
      );
    }
    entry.localStop = true;
    this.opts.logger.info({ allocId: entry.alloc.id }, LOCAL_STOP_REASON);
    const runner = entry.runner;
    entry.runner = null;
    if (runner) await runner.stop();
    if (!this.isFinished(entry)) {
      this.update(entry, { status: "stopped", restarts: entry.last.restarts ?? 0 });
    }
    await this.flush();
    return this.view(entry);
  }

  private find(idOrPrefix: string): Entry {
    const q = idOrPrefix.trim();
    if (q === "") throw new LocalOpError("BAD_REQUEST", "give an allocation id or prefix");
    const exact = this.entries.get(q);
    if (exact) return exact;
    const matches = [...this.entries.values()].filter((e) => e.alloc.id.startsWith(q));
    const [only] = matches;
    if (matches.length === 1 && only) return only;
    if (matches.length === 0) {
      throw new LocalOpError("ALLOCATION_NOT_FOUND", `no allocation "${q}" on this node`);
    }
    const ids = matches.map((e) => e.alloc.id).join(", ");
    throw new LocalOpError("CONFLICT", `"${q}" matches ${matches.length} allocations: ${ids}`);
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

  /** Runs `start` for an allocation; a throw leaves the allocation `failed`, never a crash. */
  private guarded(alloc: AgentAlloc, start: () => void): void {
    try {
      start();
    } catch (err) {
      this.opts.logger.error({ err, allocId: alloc.id }, "cannot start allocation");
      const entry = this.entries.get(alloc.id);
      const reason = `cannot start: ${err instanceof Error ? err.message : String(err)}`;
      if (entry && !this.isFinished(entry))
        this.update(entry, { status: "failed", reason, restarts: 0 });
    }
  }

  /**
   * Starts (or adopts) an allocation's task. A task with `ports` gets its host ports first:
   * an adopted task keeps the ones it had; a new one gets free ones (`previous`, from before an
   * agent restart, when still free).
   */
  private startAlloc(
    alloc: AgentAlloc,
    adopted?: Adopted,
    restarts = 0,
    previous: AllocPort[] = [],
  ): void {
    const entry: Entry = {
      alloc,
      runner: null,
      last: { allocId: alloc.id, status: "pending", restarts },
      since: this.now(),
      localStop: false,
      ports: adopted ? previous : [],
      checker: null,
    };
    this.entries.set(alloc.id, entry);
    const driver = findDriver(this.opts.drivers, alloc.taskSpec.driver);
    if (!driver) {
      this.update(entry, {
        status: "failed",
        reason: `this node has no driver "${alloc.taskSpec.driver}"`,
        restarts,
      });
      return;
    }
    const wanted = alloc.taskSpec.ports ?? [];
    if (adopted || wanted.length === 0) {
      this.ports.reserve(entry.ports);
      this.launch(entry, driver, adopted, restarts);
      return;
    }
    this.ports.assign(wanted, previous).then(
      (ports) => {
        // Stopped (or replaced) while the ports were being found: give them back.
        if (this.entries.get(alloc.id) !== entry || entry.last.status !== "pending") {
          this.ports.release(ports);
          return;
        }
        entry.ports = ports;
        this.track(this.state.savePorts(alloc.id, ports));
        this.guarded(alloc, () => this.launch(entry, driver, undefined, restarts));
      },
      (err: unknown) => {
        if (this.entries.get(alloc.id) !== entry || this.isFinished(entry)) return;
        const reason = `cannot assign ports: ${err instanceof Error ? err.message : String(err)}`;
        this.update(entry, { status: "failed", reason, restarts });
      },
    );
  }

  private launch(entry: Entry, driver: Driver, adopted: Adopted | undefined, restarts: number) {
    const { alloc } = entry;
    const runner = this.makeRunner(entry, driver, adopted, adopted?.task.restarts ?? restarts);
    entry.runner = runner;
    if (adopted) {
      runner.adopt(adopted.handle, adopted.task.startedAt);
      return;
    }
    this.opts.logger.info(
      { allocId: alloc.id, job: alloc.jobName, task: alloc.task },
      "starting allocation",
    );
    runner.start();
  }

  private makeRunner(
    entry: Entry,
    driver: Driver,
    adopted: Adopted | undefined,
    restarts: number,
  ): TaskRunner {
    const { alloc } = entry;
    const spec = alloc.taskSpec;
    return new TaskRunner({
      allocId: alloc.id,
      jobType: alloc.jobType,
      dir: this.allocDir(alloc.id),
      driver,
      config: spec.config,
      env: this.taskEnv(alloc, entry.ports),
      memoryMiB: alloc.resources.memory,
      killTimeoutMs: spec.killTimeout,
      restart: spec.restart ?? defaultRestart(alloc.jobType),
      restarts,
      onStatus: (u) => this.update(entry, u),
      onExit: () => this.down(entry),
      onStarted: (handle, n) => {
        const startedAt = handle === adopted?.handle ? adopted.task.startedAt : this.now();
        this.saveTask(alloc.id, driver.name, handle, startedAt, n);
      },
      logger: this.opts.logger.child({ allocId: alloc.id, task: alloc.task }),
    });
  }

  private saveTask(
    allocId: string,
    driver: string,
    handle: TaskHandle,
    startedAt: number,
    restarts: number,
  ): void {
    if (!handle.record) return;
    this.track(this.state.saveTask(allocId, { ...handle.record, driver, startedAt, restarts }));
  }

  private taskEnv(alloc: AgentAlloc, ports: readonly AllocPort[]): Record<string, string> {
    const portEnv = Object.fromEntries(ports.map((p) => [portEnvName(p.name), String(p.port)]));
    return {
      ...alloc.taskSpec.env,
      ...portEnv,
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
    const reason = u.status === "stopped" && entry.localStop ? LOCAL_STOP_REASON : u.reason;
    if (reason !== undefined) report.reason = reason;
    if (entry.ports.length > 0) report.ports = entry.ports;
    this.watchHealth(entry, u.status);
    if (entry.health !== undefined) report.health = entry.health;
    if (TERMINAL.has(u.status)) this.ports.release(entry.ports);
    entry.last = report;
    entry.since = this.now();
    if (u.status !== "running") entry.runner = u.status === "stopped" ? null : entry.runner;
    if (TERMINAL.has(u.status) && !(this.shuttingDown && u.status === "stopped")) {
      const result = { report, localStop: entry.localStop, at: entry.since };
      this.track(this.state.saveResult(entry.alloc.id, result));
    }
    this.opts.report(report);
  }

  /**
   * A service's task exited (it may be restarted): it is `unhealthy` at once, so the endpoint
   * leaves its service now rather than when a check or a connection fails.
   */
  private down(entry: Entry): void {
    if (entry.ports.length === 0 || entry.last.status !== "running") return;
    entry.checker?.stop();
    entry.checker = null;
    entry.health = "unhealthy";
    entry.last = { ...entry.last, health: "unhealthy" };
    this.opts.report(entry.last);
  }

  /** Runs the task's check while it runs; its verdict goes out with the status reports. */
  private watchHealth(entry: Entry, status: AllocReport["status"]): void {
    const check = entry.alloc.taskSpec.check;
    if (!check) {
      // Without a check a running task counts as healthy (`down` may have said otherwise).
      delete entry.health;
      return;
    }
    if (status !== "running") {
      entry.checker?.stop();
      entry.checker = null;
      delete entry.health;
      return;
    }
    if (entry.checker) return;
    const name = check.port ?? entry.alloc.taskSpec.ports?.[0]?.name;
    const checker = new HealthChecker({
      target: {
        check,
        port: entry.ports.find((p) => p.name === name)?.port,
        dir: this.allocDir(entry.alloc.id),
        env: taskEnvironment({
          allocId: entry.alloc.id,
          dir: this.allocDir(entry.alloc.id),
          path: this.opts.taskPath ?? DEFAULT_TASK_PATH,
          env: this.taskEnv(entry.alloc, entry.ports),
        }),
      },
      onChange: (health, detail) => {
        if (entry.checker !== checker) return;
        entry.health = health;
        this.opts.logger.info(
          { allocId: entry.alloc.id, health, ...(detail ? { detail } : {}) },
          "health changed",
        );
        const report: AllocReport = { ...entry.last, health };
        entry.last = report;
        this.opts.report(report);
      },
    });
    entry.checker = checker;
    entry.health = "unknown";
    checker.start();
  }

  private view(e: Entry): LocalAllocView {
    const pid = e.last.status === "running" ? e.runner?.pid : undefined;
    const v: LocalAllocView = {
      id: e.alloc.id,
      job: e.alloc.jobName,
      task: e.alloc.task,
      index: e.alloc.index,
      status: e.last.status,
      desired: e.alloc.desiredStatus,
      pid: pid ?? null,
      restarts: e.last.restarts ?? 0,
      since: new Date(e.since).toISOString(),
    };
    if (e.last.reason !== undefined) v.reason = e.last.reason;
    return v;
  }

  /** Runs a write in the background; failures are logged, `flush` waits for it. */
  private track(write: Promise<void>): void {
    const tracked = write.catch((err: unknown) =>
      this.opts.logger.error({ err }, "saving local state failed"),
    );
    this.writes.add(tracked);
    void tracked.finally(() => this.writes.delete(tracked));
  }

  /** Waits for every pending write of local state. */
  async flush(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
  }

  /** The last `tailBytes` of an allocation's stdout or stderr. */
  async readLog(allocId: string, stream: "stdout" | "stderr", tailBytes: number): Promise<string> {
    if (!isSafeAllocId(allocId)) throw new Error("bad allocation id");
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

  /** Stops every task (agent shutdown with --stop-tasks-on-exit); they run again at next start. */
  async stopAll(): Promise<void> {
    this.shuttingDown = true;
    const runners = [...this.entries.values()].map((e) => e.runner).filter((r) => r !== null);
    await Promise.all(runners.map((r) => r.stop().catch(() => undefined)));
    await this.flush();
  }

  /** Lets go of every task without stopping it (agent shutdown: tasks outlive the agent). */
  async release(): Promise<void> {
    for (const e of this.entries.values()) {
      e.runner?.release();
      e.checker?.stop();
    }
    await this.flush();
  }
}
