import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TaskHandle, TaskRecord } from "../driver.js";
import { ADOPTED_EXIT_REASON } from "./adopted-handle.js";
import { createExecDriver } from "./exec-driver.js";
import { groupUsage } from "./proc-group.js";
import { isSameProcess, parseStartInfo, processRecord } from "./proc-identity.js";

/** One driver starts the task, another (as a restarted agent would) adopts it. */
const starter = createExecDriver({ cgroupRoot: null });
const adopter = createExecDriver({ cgroupRoot: null, adoptPollMs: 20, memorySampleMs: 20 });
let dir: string;
const handles: TaskHandle[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "brink-adopt-"));
});

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop(0)));
  await rm(dir, { recursive: true, force: true });
});

async function run(script: string): Promise<{ handle: TaskHandle; record: TaskRecord }> {
  const handle = await starter.start({
    allocId: "a1",
    dir,
    config: { command: "sh", args: ["-c", script] },
    env: {},
    memoryMiB: 0,
  });
  handles.push(handle);
  if (!handle.record) throw new Error("no record");
  return { handle, record: handle.record };
}

async function adopt(record: TaskRecord, memoryMiB = 0): Promise<TaskHandle | undefined> {
  const handle = await adopter.adopt({ allocId: "a1", dir, memoryMiB, record });
  if (handle) handles.push(handle);
  return handle;
}

describe("process identity", () => {
  it("reads the start time after a command name with spaces and parentheses", () => {
    const rest = Array.from({ length: 30 }, (_, i) => String(i));
    rest[0] = "S";
    rest[19] = "987654";
    expect(parseStartInfo(`42 (a (b) c) ${rest.join(" ")}`)).toEqual({
      state: "S",
      startTime: 987654,
    });
    expect(parseStartInfo("garbage")).toBeUndefined();
  });

  it("recognises this process and rejects another start time, boot or pid", async () => {
    const me = await processRecord(process.pid);
    expect(me?.bootId).toMatch(/^[0-9a-f-]{36}$/);
    if (!me) return;
    expect(await isSameProcess(me)).toBe(true);
    expect(await isSameProcess({ ...me, startTime: me.startTime + 1 })).toBe(false);
    expect(await isSameProcess({ ...me, bootId: "another-boot" })).toBe(false);
    expect(await isSameProcess({ ...me, pid: 2 ** 22 + 1 })).toBe(false);
  });
});

describe("exec driver adopt", () => {
  it("records the started task's identity", async () => {
    const { handle, record } = await run("sleep 100");
    expect(record.pid).toBe(handle.pid);
    expect(await isSameProcess(record)).toBe(true);
  });

  it("adopts a running task and stops its whole group with SIGTERM", async () => {
    const { record } = await run("sleep 100 & sleep 100");
    const adopted = await adopt(record);
    expect(adopted?.pid).toBe(record.pid);
    expect(await adopted?.stop(5000)).toEqual({ exitCode: null, signal: "SIGTERM" });
    expect((await groupUsage(record.pid)).live).toBe(0);
  });

  it("escalates to SIGKILL when the adopted task ignores SIGTERM", async () => {
    const { record } = await run("trap '' TERM; while :; do sleep 0.05; done");
    await new Promise((r) => setTimeout(r, 100)); // let the trap be set
    const adopted = await adopt(record);
    expect(await adopted?.stop(200)).toEqual({ exitCode: null, signal: "SIGKILL" });
  });

  it("reports an adopted task that exits on its own with an unknown exit code", async () => {
    const { record } = await run("sleep 0.3; exit 7");
    const adopted = await adopt(record);
    expect(await adopted?.wait()).toEqual({
      exitCode: null,
      signal: null,
      reason: ADOPTED_EXIT_REASON,
    });
  });

  it("keeps the memory limit on an adopted task", async () => {
    const { record } = await run("sleep 100");
    const adopted = await adopt(record, 0.01);
    expect(await adopted?.wait()).toEqual({ exitCode: null, signal: "SIGKILL", reason: "oom" });
  });

  it("refuses a record whose process is gone or is another process", async () => {
    const { handle, record } = await run("sleep 100");
    expect(await adopt({ ...record, startTime: record.startTime - 1 })).toBeUndefined();
    await handle.stop(1000);
    expect(await adopt(record)).toBeUndefined();
  });
});
