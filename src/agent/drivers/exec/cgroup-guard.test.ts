import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cgroupMemoryUsable } from "./cgroup-detect.js";
import { attachCgroupGuard, oomKills, startCgroupGuard } from "./cgroup-guard.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "brink-cgroup-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("cgroupMemoryUsable", () => {
  it("is false for a plain directory and for a missing path", async () => {
    expect(await cgroupMemoryUsable(root)).toBe(false);
    expect(await cgroupMemoryUsable(join(root, "missing"))).toBe(false);
  });
});

describe("startCgroupGuard (on a directory that mimics cgroupfs)", () => {
  it("creates brink/<allocId>, writes memory.max and the pid, reports kernel OOM kills", async () => {
    const guard = await startCgroupGuard(root, "alloc/1", 4242, 64 * 1024 * 1024);
    const dir = join(root, "brink", "alloc_1");
    expect(await readFile(join(dir, "memory.max"), "utf8")).toBe(String(64 * 1024 * 1024));
    expect(await readFile(join(dir, "cgroup.procs"), "utf8")).toBe("4242");
    await writeFile(join(dir, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    expect(await oomKills(dir)).toBe(1);
    expect(await guard?.finish()).toBe("oom");
  });

  it("re-attaches to the cgroup of an adopted task that is still in it", async () => {
    await startCgroupGuard(root, "a2", 4242, 1024);
    expect(await attachCgroupGuard(root, "a2", 4243)).toBeUndefined();
    expect(await attachCgroupGuard(root, "missing", 4242)).toBeUndefined();
    const guard = await attachCgroupGuard(root, "a2", 4242);
    expect(await guard?.finish()).toBeUndefined();
  });

  it("returns undefined when the cgroup cannot be created", async () => {
    await writeFile(join(root, "brink"), "not a directory");
    expect(await startCgroupGuard(root, "a1", 4242, 1024)).toBeUndefined();
  });
});
