import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StartRequest, TaskHandle } from "../driver.js";
import { createExecDriver } from "./exec-driver.js";

const driver = createExecDriver({ memorySampleMs: 50 });
let dir: string;
const handles: TaskHandle[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "brink-exec-"));
});

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop(0)));
  await rm(dir, { recursive: true, force: true });
});

function request(command: string, args: string[], extra: Partial<StartRequest> = {}): StartRequest {
  return { allocId: "a1", dir, config: { command, args }, env: {}, memoryMiB: 256, ...extra };
}

async function run(command: string, args: string[], extra: Partial<StartRequest> = {}) {
  const handle = await driver.start(request(command, args, extra));
  handles.push(handle);
  return handle;
}

/** Dead or a zombie (nothing reaps orphans in some containers). */
async function gone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat === "" || / Z /.test(stat.slice(stat.lastIndexOf(")")));
}

async function waitForFile(path: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(path, "utf8").catch(() => "");
    if (text.trim() !== "") return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("exec driver", () => {
  it("is available on this machine", async () => {
    expect(await driver.available()).toBe(true);
  });

  it("reports exit 0 and exit 3", async () => {
    expect(await (await run("sh", ["-c", "exit 0"])).wait()).toEqual({ exitCode: 0, signal: null });
    expect(await (await run("sh", ["-c", "exit 3"])).wait()).toEqual({ exitCode: 3, signal: null });
  });

  it("appends stdout and stderr to files in the allocation directory", async () => {
    const nested = join(dir, "alloc", "a1");
    const script = "echo out; echo err >&2";
    await (await run("sh", ["-c", script], { dir: nested })).wait();
    await (await run("sh", ["-c", script], { dir: nested })).wait();
    expect(await readFile(join(nested, "stdout.log"), "utf8")).toBe("out\nout\n");
    expect(await readFile(join(nested, "stderr.log"), "utf8")).toBe("err\nerr\n");
  });

  it("passes the task env over a minimal environment", async () => {
    const script = 'echo "$FOO|$BRINK_ALLOC_ID|$BRINK_ALLOC_DIR|$HOME|$PWD"';
    await (await run("sh", ["-c", script], { env: { FOO: "bar" } })).wait();
    expect(await readFile(join(dir, "stdout.log"), "utf8")).toBe(`bar|a1|${dir}|${dir}|${dir}\n`);
  });

  it("stop kills the whole process group", async () => {
    const handle = await run("sh", ["-c", "sleep 1000 & echo $! > child.pid; sleep 1000"]);
    const child = Number(await waitForFile(join(dir, "child.pid")));
    expect(await gone(child)).toBe(false);
    expect(await handle.stop(5000)).toEqual({ exitCode: null, signal: "SIGTERM" });
    expect(await gone(child)).toBe(true);
    expect(await gone(handle.pid)).toBe(true);
  });

  it("stop ends a task that ignores SIGTERM with SIGKILL", async () => {
    const handle = await run("sh", ["-c", "trap '' TERM; echo ready > ready; sleep 1000"]);
    await waitForFile(join(dir, "ready"));
    const started = Date.now();
    expect(await handle.stop(200)).toEqual({ exitCode: null, signal: "SIGKILL" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("kills a task above its memory limit with reason oom", async () => {
    const grow = "const a=[];setInterval(()=>a.push(Buffer.alloc(8<<20,1)),20)";
    const handle = await run(process.execPath, ["-e", grow], { memoryMiB: 64 });
    expect(await handle.wait()).toEqual({ exitCode: null, signal: "SIGKILL", reason: "oom" });
  });

  it("rejects a command that does not exist, without crashing", async () => {
    await expect(run("/nonexistent/x", [])).rejects.toThrow("command not found: /nonexistent/x");
    await expect(run("no-such-command-brink", [])).rejects.toThrow("command not found");
  });

  it("rejects a command that is not executable", async () => {
    const file = join(dir, "script.sh");
    await writeFile(file, "#!/bin/sh\nexit 0\n");
    await chmod(file, 0o644);
    await expect(run(file, [])).rejects.toThrow(`permission denied: ${file}`);
  });

  it("rejects an invalid config with a clear message", async () => {
    const req = { ...request("sh", []), config: { args: "x" } };
    await expect(driver.start(req)).rejects.toThrow(/invalid exec config: config\.command/);
  });
});
