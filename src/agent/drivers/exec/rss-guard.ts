import type { MemoryGuard } from "./memory-guard.js";
import { groupRssBytes } from "./proc-group.js";
import { signalGroup } from "./process-group.js";

export interface RssGuardOptions {
  pgid: number;
  limitBytes: number;
  intervalMs: number;
  /** Resident bytes of a process group (injectable for tests). */
  sample?: (pgid: number) => Promise<number>;
}

/**
 * Memory limit without cgroups: samples the process group's RSS every `intervalMs` and kills the
 * whole group with SIGKILL once it exceeds the limit. A burst between two samples can overshoot.
 */
export function startRssGuard(opts: RssGuardOptions): MemoryGuard {
  const sample = opts.sample ?? groupRssBytes;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  let killed = false;

  const check = async (): Promise<void> => {
    try {
      if ((await sample(opts.pgid)) > opts.limitBytes && !finished) {
        killed = true;
        signalGroup(opts.pgid, "SIGKILL");
        return;
      }
    } catch {
      // a failed sample is retried at the next tick
    }
    schedule();
  };
  // Every guard samples on the same beat of the wall clock (the next multiple of the interval),
  // so an agent's tasks are checked in one wake-up and share one pass over /proc, however many
  // there are and whenever they started.
  function schedule(): void {
    if (finished) return;
    timer = setTimeout(() => void check(), opts.intervalMs - (Date.now() % opts.intervalMs));
    timer.unref();
  }

  schedule();
  return {
    finish: async () => {
      finished = true;
      clearTimeout(timer);
      return killed ? "oom" : undefined;
    },
  };
}
