import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Driver, ExitResult, TaskHandle } from "./drivers/driver.js";
import { createExecDriver } from "./drivers/exec/exec-driver.js";
import { TaskRunner, type TaskRunnerOptions, type TaskStatusUpdate } from "./task-runner.js";

const driver = createExecDriver({ memorySampleMs: 100 });
let dir: string;
const runners: TaskRunner[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "brink-runner-"));
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await rm(dir, { recursive: true, force: true });
});

interface Harness {
  runner: TaskRunner;
  updates: TaskStatusUpdate[];
}

function harness(script: string, overrides: Partial<TaskRunnerOptions> = {}): Harness {
  const updates: TaskStatusUpdate[] = [];
  const runner = new TaskRunner({
    allocId: "a1",
    jobType: "batch",
    dir,
    driver,
    config: { command: "sh", args: ["-c", script] },
    env: {},
    memoryMiB: 128,
    killTimeoutMs: 1000,
    restart: { attempts: 0, delay: 50, mode: "fail" },
    onStatus: (u) => updates.push(u),
    ...overrides,
  });
  runners.push(runner);
  return { runner, updates };
}

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const terminal = (h: Harness) => () => h.updates.some((u) => u.status !== "running");

const runs = async () => (await readFile(join(dir, "runs.txt"), "utf8")).split("\n").length - 1;

describe("TaskRunner", () => {
  it("completes a batch task that exits 0, without restarting", async () => {
    const h = harness("echo run >> runs.txt; exit 0", {
      restart: { attempts: 3, delay: 50, mode: "fail" },
    });
    h.runner.start();
    await until(terminal(h));
    expect(h.updates).toEqual([
      { status: "running", restarts: 0 },
      { status: "complete", exitCode: 0, signal: null, restarts: 0 },
    ]);
    expect(await runs()).toBe(1);
  });

  it("restarts a failing batch task `attempts` times, then fails", async () => {
    const h = harness("echo run >> runs.txt; exit 1", {
      restart: { attempts: 2, delay: 50, mode: "fail" },
    });
    h.runner.start();
    await until(terminal(h));
    expect(h.updates).toEqual([
      { status: "running", restarts: 0 },
      { status: "running", restarts: 1 },
      { status: "running", restarts: 2 },
      { status: "failed", exitCode: 1, signal: null, restarts: 2 },
    ]);
    expect(await runs()).toBe(3);
  });

  it("restarts a service task that exits 0", async () => {
    const h = harness("echo run >> runs.txt; exit 0", {
      jobType: "service",
      restart: { attempts: 1, delay: 50, mode: "fail" },
    });
    h.runner.start();
    await until(terminal(h));
    expect(h.updates.map((u) => u.status)).toEqual(["running", "running", "failed"]);
    expect(h.updates.at(-1)).toMatchObject({ exitCode: 0, restarts: 1 });
    expect(await runs()).toBe(2);
  });

  it("in delay mode starts new rounds of attempts forever", async () => {
    const h = harness("echo run >> runs.txt; exit 1", {
      jobType: "system",
      restart: { attempts: 1, delay: 20, mode: "delay" },
    });
    h.runner.start();
    await until(() => h.updates.length >= 5);
    await h.runner.stop();
    expect(h.updates.slice(0, 5).map((u) => u.restarts)).toEqual([0, 1, 2, 3, 4]);
    expect(h.updates.filter((u) => u.status === "failed")).toEqual([]);
    expect(h.updates.at(-1)?.status).toBe("stopped");
  });

  it("stop during a restart delay cancels the restart and reports stopped once", async () => {
    const pending: Array<() => void> = [];
    const cleared: unknown[] = [];
    const h = harness("exit 1", {
      jobType: "service",
      restart: { attempts: 5, delay: 60_000, mode: "fail" },
      setTimer: (fn) => pending.push(fn),
      clearTimer: (t) => cleared.push(t),
    });
    h.runner.start();
    await until(() => pending.length === 1);
    await Promise.all([h.runner.stop(), h.runner.stop()]);
    expect(cleared).toEqual([1]);
    pending[0]?.(); // a timer that fires late must not restart anything
    await new Promise((r) => setTimeout(r, 100));
    expect(h.updates).toEqual([
      { status: "running", restarts: 0 },
      { status: "stopped", restarts: 0 },
    ]);
  });

  it("stop of a running task kills it and reports stopped once", async () => {
    const h = harness("sleep 1000", { jobType: "service" });
    h.runner.start();
    await until(() => h.updates.length === 1);
    await h.runner.stop();
    await h.runner.stop();
    expect(h.updates).toEqual([
      { status: "running", restarts: 0 },
      { status: "stopped", exitCode: null, signal: "SIGTERM", restarts: 0 },
    ]);
  });

  it("stop right after start stops the task being started", async () => {
    const h = harness("echo run >> runs.txt; sleep 1000", { jobType: "service" });
    h.runner.start();
    await h.runner.stop();
    expect(h.updates.map((u) => u.status)).toEqual(["stopped"]);
  });

  it("a command that cannot start fails with the reason, after its attempts", async () => {
    const h = harness("", {
      config: { command: "/nonexistent/x" },
      restart: { attempts: 1, delay: 20, mode: "fail" },
    });
    h.runner.start();
    await until(terminal(h));
    expect(h.updates).toEqual([
      {
        status: "failed",
        exitCode: null,
        signal: null,
        reason: "command not found: /nonexistent/x",
        restarts: 1,
      },
    ]);
  });

  it("survives an onStatus that throws and logs it", async () => {
    const warnings: string[] = [];
    const h = harness("exit 0", {
      onStatus: () => {
        throw new Error("listener broke");
      },
      logger: { info: () => {}, warn: (_o, msg) => warnings.push(msg ?? "") },
    });
    h.runner.start();
    await until(() => warnings.length === 2);
    expect(warnings).toEqual(["onStatus threw", "onStatus threw"]);
  });

  it("treats a driver that throws synchronously as a failed start", async () => {
    const h = harness("", {
      driver: {
        name: "broken",
        available: async () => true,
        start: () => {
          throw new Error("driver exploded");
        },
      },
    });
    h.runner.start();
    await until(terminal(h));
    expect(h.updates).toEqual([
      { status: "failed", exitCode: null, signal: null, reason: "driver exploded", restarts: 0 },
    ]);
  });
});

/** A driver whose tasks exit when the test says so; no processes. */
function fakeDriver() {
  const runs: Array<(exit: ExitResult) => void> = [];
  const driver: Driver = {
    name: "fake",
    available: async () => true,
    start: async () => {
      let exit: (e: ExitResult) => void = () => {};
      const done = new Promise<ExitResult>((resolve) => {
        exit = resolve;
      });
      runs.push(exit);
      const handle: TaskHandle = {
        pid: 1000 + runs.length,
        wait: () => done,
        stop: async () => {
          exit({ exitCode: null, signal: "SIGTERM" });
          return done;
        },
      };
      return handle;
    },
  };
  return { driver, runs };
}

describe("TaskRunner restart backoff and crash loops (fake driver, injected timers and clock)", () => {
  function setup(restart: TaskRunnerOptions["restart"], extra: Partial<TaskRunnerOptions> = {}) {
    const { driver, runs } = fakeDriver();
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const clock = { now: 0 };
    const h = harness("", {
      driver,
      jobType: "service",
      restart,
      setTimer: (fn, ms) => timers.push({ fn, ms }),
      clearTimer: () => {},
      now: () => clock.now,
      ...extra,
    });
    /** Lets the current run last `runMs`, makes it fail, returns the restart delay asked for. */
    const failAfter = async (runMs: number): Promise<number | undefined> => {
      const n = runs.length;
      const t = timers.length;
      await until(() => h.updates.filter((u) => u.status === "running").length === n);
      clock.now += runMs;
      runs[n - 1]?.({ exitCode: 1, signal: null });
      await until(() => timers.length > t || h.updates.some((u) => u.status === "failed"));
      const timer = timers[t];
      if (!timer) return undefined;
      clock.now += timer.ms;
      timer.fn();
      await until(() => runs.length > n);
      return timer.ms;
    };
    h.runner.start();
    return { ...h, runs, failAfter };
  }

  it("doubles the delay per consecutive failure up to maxDelay", async () => {
    const t = setup({ attempts: 100, delay: 1000, mode: "fail", maxDelay: 8000 });
    const delays: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) delays.push(await t.failAfter(1000));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it("caps at 5 minutes by default", async () => {
    const t = setup({ attempts: 100, delay: 60_000, mode: "fail" });
    const delays: Array<number | undefined> = [];
    for (let i = 0; i < 4; i++) delays.push(await t.failAfter(1000));
    expect(delays).toEqual([60_000, 120_000, 240_000, 300_000]);
  });

  it("resets the delay and the round of attempts after a healthy run", async () => {
    const t = setup({ attempts: 2, delay: 1000, mode: "fail" });
    expect(await t.failAfter(1000)).toBe(1000);
    expect(await t.failAfter(1000)).toBe(2000);
    // Attempts are used up, but the task then ran 10× the delay: it is restarted, from 1 s.
    expect(await t.failAfter(10_000)).toBe(1000);
    expect(await t.failAfter(1000)).toBe(2000);
    expect(await t.failAfter(1000)).toBeUndefined();
    expect(t.updates.at(-1)).toEqual({ status: "failed", exitCode: 1, signal: null, restarts: 4 });
  });

  it("reports a crash loop while failures come faster than the policy allows", async () => {
    const t = setup(
      { attempts: 3, delay: 100, mode: "fail" },
      { crashLoop: { failures: 3, windowMs: 10_000 } },
    );
    for (let i = 0; i < 4; i++) await t.failAfter(500);
    expect(t.updates.map((u) => u.reason)).toEqual([
      undefined,
      undefined,
      undefined,
      "crash loop: 3 failures in 10s",
      "crash loop: 3 failures in 10s",
    ]);
    expect(t.updates.at(-1)).toMatchObject({ status: "failed", restarts: 3 });
  });

  it("uses 5 failures in 60 s as the default crash loop", async () => {
    const t = setup({ attempts: 10, delay: 1, mode: "fail" });
    for (let i = 0; i < 5; i++) await t.failAfter(100);
    await until(() => t.updates.length === 6);
    expect(t.updates.at(-1)).toEqual({
      status: "running",
      restarts: 5,
      reason: "crash loop: 5 failures in 60s",
    });
  });

  it("continues an adopted task and applies the restart policy when it exits", async () => {
    const { driver, runs } = fakeDriver();
    const started: number[] = [];
    const h = harness("", {
      driver,
      jobType: "service",
      restarts: 4,
      restart: { attempts: 1, delay: 5, mode: "fail" },
      onStarted: (handle, n) => started.push(handle.pid, n),
    });
    let exit: (e: ExitResult) => void = () => {};
    const done = new Promise<ExitResult>((resolve) => {
      exit = resolve;
    });
    h.runner.adopt({ pid: 42, wait: () => done, stop: async () => done });
    expect(h.runner.pid).toBe(42);
    exit({ exitCode: null, signal: null, reason: "exited while adopted (exit code unknown)" });
    await until(() => runs.length === 1);
    await until(() => h.updates.length === 2);
    expect(h.updates).toEqual([
      { status: "running", restarts: 4 },
      { status: "running", restarts: 5 },
    ]);
    expect(started).toEqual([42, 4, 1001, 5]);
  });

  it("release lets go of the task without stopping it or reporting", async () => {
    const { driver } = fakeDriver();
    const h = harness("", { driver, jobType: "service" });
    h.runner.start();
    await until(() => h.updates.length === 1);
    h.runner.release();
    await h.runner.stop();
    expect(h.updates).toEqual([{ status: "running", restarts: 0 }]);
  });
});
