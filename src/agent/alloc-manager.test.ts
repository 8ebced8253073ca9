import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentAlloc, AllocReport } from "../model/index.js";
import { AllocManager, LOCAL_STOP_REASON, LocalOpError } from "./alloc-manager.js";
import type { AdoptRequest, Driver, ExitResult, TaskHandle } from "./drivers/driver.js";
import { LocalState } from "./local-state.js";

interface FakeTask extends TaskHandle {
  exit(e: ExitResult): void;
  stopped: boolean;
}

function fakeTask(pid: number): FakeTask {
  let exit: (e: ExitResult) => void = () => {};
  const done = new Promise<ExitResult>((resolve) => {
    exit = resolve;
  });
  const task: FakeTask = {
    pid,
    record: { pid, startTime: pid * 10, bootId: "boot-1" },
    stopped: false,
    exit,
    wait: () => done,
    stop: async () => {
      task.stopped = true;
      exit({ exitCode: null, signal: "SIGTERM" });
      return done;
    },
  };
  return task;
}

/** Starts fake tasks; "adopts" the pids listed in `alive`. */
function fakeDriver(alive: Set<number>) {
  const started: FakeTask[] = [];
  const adopted: AdoptRequest[] = [];
  const driver: Driver = {
    name: "exec",
    available: async () => true,
    start: async () => {
      const t = fakeTask(100 + started.length);
      started.push(t);
      return t;
    },
    adopt: async (req) => {
      adopted.push(req);
      return alive.has(req.record.pid) ? fakeTask(req.record.pid) : undefined;
    },
  };
  return { driver, started, adopted };
}

function alloc(id: string, jobType: AgentAlloc["jobType"] = "service"): AgentAlloc {
  return {
    id,
    jobId: "job-1",
    jobName: "web",
    jobType,
    task: "t",
    index: 0,
    taskSpec: {
      driver: "exec",
      config: { command: "true" },
      killTimeout: 1000,
      restart: { attempts: 0, delay: 10, mode: "fail" },
    } as unknown as AgentAlloc["taskSpec"],
    desiredStatus: "run",
    resources: { cpu: 100, memory: 64, disk: 0 } as AgentAlloc["resources"],
  };
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

let dir: string;
let state: LocalState;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "brink-manager-"));
  state = new LocalState(dir);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function manager(driver: Driver) {
  const reports: AllocReport[] = [];
  const m = new AllocManager({
    dataDir: dir,
    nodeId: () => "node-1",
    drivers: { exec: driver },
    logger: pino({ level: "silent" }),
    report: (r) => reports.push(r),
  });
  return { m, reports };
}

const statusOf = (m: AllocManager, id: string) => m.reports().find((r) => r.allocId === id)?.status;

describe("AllocManager local state", () => {
  it("adopts a live task, restarts a dead one, never reruns a finished one", async () => {
    const task = { driver: "exec", bootId: "boot-1", startedAt: 1, restarts: 2 };
    await state.saveTask("live", { ...task, pid: 7, startTime: 70 });
    await state.saveTask("dead", { ...task, pid: 8, startTime: 80 });
    const done = { report: { allocId: "done", status: "complete" as const, exitCode: 0 } };
    await state.saveResult("done", { ...done, localStop: false, at: 1 });
    const { driver, started, adopted } = fakeDriver(new Set([7]));
    const { m } = manager(driver);
    await m.restore([alloc("live"), alloc("dead"), alloc("done", "batch"), alloc("fresh")]);
    await until(() => statusOf(m, "dead") === "running" && statusOf(m, "fresh") === "running");
    expect(adopted.map((a) => a.allocId).sort()).toEqual(["dead", "live"]);
    expect(started).toHaveLength(2);
    const ps = Object.fromEntries(m.list().map((v) => [v.id, v]));
    expect(ps.live).toMatchObject({ status: "running", pid: 7, restarts: 2 });
    expect(ps.dead).toMatchObject({ status: "running", restarts: 3 });
    expect(ps.fresh).toMatchObject({ status: "running", restarts: 0 });
    expect(ps.done).toMatchObject({ status: "complete", pid: null });
    await m.flush();
    expect(await state.loadTask("fresh")).toMatchObject({ driver: "exec", restarts: 0 });
    await m.release();
  });

  it("finishes stopping a task left running for an allocation the server wants stopped", async () => {
    const task = { driver: "exec", bootId: "boot-1", startedAt: 1, restarts: 0 };
    await state.saveTask("gone", { ...task, pid: 9, startTime: 90 });
    const { driver, started, adopted } = fakeDriver(new Set([9]));
    const { m } = manager(driver);
    await m.restore([
      { ...alloc("gone"), desiredStatus: "stop" },
      { ...alloc("never"), desiredStatus: "stop" },
    ]);
    await until(() => statusOf(m, "gone") === "stopped");
    expect(started).toHaveLength(0);
    expect(adopted.map((a) => a.allocId)).toEqual(["gone"]);
    expect(m.list().map((v) => v.id)).toEqual(["gone"]);
  });

  it("skips malformed allocations and damaged files without crashing", async () => {
    const { driver, started } = fakeDriver(new Set());
    const { m } = manager(driver);
    const bad = { ...alloc("bad"), taskSpec: null } as unknown as AgentAlloc;
    const evil = { ...alloc("x"), id: "../../etc" };
    await m.restore([bad, evil, null as unknown as AgentAlloc, alloc("good")]);
    await until(() => statusOf(m, "good") === "running");
    expect(started).toHaveLength(1);
    expect(m.list().map((v) => v.id)).toEqual(["good"]);
    await m.release();
  });

  it("stops locally by prefix, remembers it, and does not restart it for the server", async () => {
    const { driver, started } = fakeDriver(new Set());
    const { m, reports } = manager(driver);
    m.reconcile([alloc("abc-1"), alloc("abd-2")]);
    await until(() => m.list().every((v) => v.status === "running"));
    await expect(m.stopLocally("ab")).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(m.stopLocally("zz")).rejects.toBeInstanceOf(LocalOpError);
    const view = await m.stopLocally("abc");
    expect(view).toMatchObject({ id: "abc-1", status: "stopped", reason: LOCAL_STOP_REASON });
    expect(started[0]?.stopped).toBe(true);
    expect(reports.at(-1)).toMatchObject({ allocId: "abc-1", status: "stopped" });
    expect(await state.loadResult("abc-1")).toMatchObject({ localStop: true });
    await expect(m.stopLocally("abc-1")).rejects.toThrow(/already stopped/);
    m.reconcile([alloc("abc-1"), alloc("abd-2")]); // the server still wants it: stays stopped
    expect(started).toHaveLength(2);
    // A new agent process with the same local state remembers the stop.
    const next = manager(fakeDriver(new Set()).driver).m;
    await next.restore([alloc("abc-1")]);
    expect(next.reports()).toEqual([
      expect.objectContaining({ status: "stopped", reason: LOCAL_STOP_REASON }),
    ]);
    await m.release();
  });

  it("release leaves tasks running; stopAll stops them without marking them finished", async () => {
    const { driver, started } = fakeDriver(new Set());
    const { m } = manager(driver);
    m.reconcile([alloc("a1")]);
    await until(() => statusOf(m, "a1") === "running");
    await m.release();
    expect(started[0]?.stopped).toBe(false);
    const other = manager(driver).m;
    other.reconcile([alloc("a2")]);
    await until(() => statusOf(other, "a2") === "running");
    await other.stopAll();
    expect(started[1]?.stopped).toBe(true);
    expect(await state.loadResult("a2")).toBeUndefined();
    await expect(readFile(join(dir, "allocs", "a2", "task.json"), "utf8")).resolves.toContain(
      '"pid":101',
    );
  });
});
