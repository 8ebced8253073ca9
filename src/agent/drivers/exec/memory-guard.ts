import { attachCgroupGuard, startCgroupGuard } from "./cgroup-guard.js";
import { startRssGuard } from "./rss-guard.js";

const MIB = 1024 * 1024;

/** Enforces a task's memory limit while it runs. */
export interface MemoryGuard {
  /** Stops watching, cleans up, and says why the task was killed ("oom") if it was. */
  finish(): Promise<string | undefined>;
}

export interface MemoryGuardOptions {
  allocId: string;
  /** The task's process (and process group) id. */
  pid: number;
  memoryMiB: number;
  /** A writable cgroup v2 mount with the memory controller, or null to sample RSS instead. */
  cgroupRoot: string | null;
  /** How often the RSS fallback samples the process group. */
  sampleIntervalMs: number;
}

const NO_GUARD: MemoryGuard = { finish: async () => undefined };

/**
 * Puts the task under its memory limit: a cgroup v2 `memory.max` when a cgroup root is usable,
 * else a watchdog that samples the group's RSS and kills it above the limit. Never throws.
 */
export async function startMemoryGuard(opts: MemoryGuardOptions): Promise<MemoryGuard> {
  if (!(opts.memoryMiB > 0)) return NO_GUARD;
  const limitBytes = Math.floor(opts.memoryMiB * MIB);
  if (opts.cgroupRoot !== null) {
    const guard = await startCgroupGuard(opts.cgroupRoot, opts.allocId, opts.pid, limitBytes);
    if (guard) return guard;
  }
  return startRssGuard({ pgid: opts.pid, limitBytes, intervalMs: opts.sampleIntervalMs });
}

/**
 * The memory limit of a re-adopted task: its existing cgroup when it is still in one, else the
 * RSS watchdog on its process group. Never throws.
 */
export async function attachMemoryGuard(opts: MemoryGuardOptions): Promise<MemoryGuard> {
  if (!(opts.memoryMiB > 0)) return NO_GUARD;
  if (opts.cgroupRoot !== null) {
    const guard = await attachCgroupGuard(opts.cgroupRoot, opts.allocId, opts.pid);
    if (guard) return guard;
  }
  const limitBytes = Math.floor(opts.memoryMiB * MIB);
  return startRssGuard({ pgid: opts.pid, limitBytes, intervalMs: opts.sampleIntervalMs });
}
