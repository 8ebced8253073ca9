import { appendFile, mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MemoryGuard } from "./memory-guard.js";

const REMOVE_TRIES = 20;
const REMOVE_PAUSE_MS = 50;

/** Parent of every allocation's cgroup, below the cgroup root. */
export const BRINK_CGROUP = "brink";

function safeName(allocId: string): string {
  return allocId.replace(/[^a-zA-Z0-9_.-]/g, "_");
}

async function bestEffort(op: Promise<unknown>): Promise<void> {
  try {
    await op;
  } catch {
    // optional knob (absent on older kernels, or already set)
  }
}

/** Number of OOM kills the kernel made in the cgroup at `dir`. */
export async function oomKills(dir: string): Promise<number> {
  const events = await readFile(join(dir, "memory.events"), "utf8");
  const match = /^oom_kill (\d+)$/m.exec(events);
  return match ? Number(match[1]) : 0;
}

/** Kills what is left in the cgroup and removes it, retrying while processes drain. */
async function removeCgroup(dir: string): Promise<void> {
  await bestEffort(writeFile(join(dir, "cgroup.kill"), "1"));
  for (let i = 0; i < REMOVE_TRIES; i++) {
    try {
      await rmdir(dir);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, REMOVE_PAUSE_MS));
    }
  }
}

async function createCgroup(root: string, dir: string, limitBytes: number): Promise<void> {
  const parent = join(root, BRINK_CGROUP);
  await mkdir(dir, { recursive: true });
  await bestEffort(appendFile(join(root, "cgroup.subtree_control"), "+memory"));
  await bestEffort(appendFile(join(parent, "cgroup.subtree_control"), "+memory"));
  await writeFile(join(dir, "memory.max"), String(limitBytes));
  await bestEffort(writeFile(join(dir, "memory.swap.max"), "0"));
}

function guardOf(dir: string): MemoryGuard {
  return {
    finish: async () => {
      const kills = await oomKills(dir).catch(() => 0);
      await removeCgroup(dir);
      return kills > 0 ? "oom" : undefined;
    },
  };
}

/**
 * Memory limit with cgroup v2: creates `<root>/brink/<allocId>`, writes `memory.max`, moves the
 * task into it. The kernel kills the task above the limit; `finish` reports that as "oom" and
 * removes the cgroup. Children the task forks before it is moved stay outside (a tiny window).
 * Returns undefined (after cleaning up) when the cgroup cannot be set up.
 */
export async function startCgroupGuard(
  root: string,
  allocId: string,
  pid: number,
  limitBytes: number,
): Promise<MemoryGuard | undefined> {
  const dir = join(root, BRINK_CGROUP, safeName(allocId));
  try {
    await createCgroup(root, dir, limitBytes);
    await writeFile(join(dir, "cgroup.procs"), String(pid));
  } catch {
    await bestEffort(rmdir(dir));
    return undefined;
  }
  return guardOf(dir);
}

/**
 * Takes over the cgroup of a task started by a previous agent process (re-adoption): a guard
 * when `<root>/brink/<allocId>` exists and holds `pid`, else undefined.
 */
export async function attachCgroupGuard(
  root: string,
  allocId: string,
  pid: number,
): Promise<MemoryGuard | undefined> {
  const dir = join(root, BRINK_CGROUP, safeName(allocId));
  try {
    const procs = await readFile(join(dir, "cgroup.procs"), "utf8");
    return procs.split(/\s+/).includes(String(pid)) ? guardOf(dir) : undefined;
  } catch {
    return undefined;
  }
}
