import type { Allocation } from "./allocation.js";
import type { Job, JobStatus } from "./job.js";

/** The newest allocation of each task instance (a rescheduled instance supersedes its failure). */
function latestPerInstance(allocs: readonly Allocation[]): Allocation[] {
  const latest = new Map<string, Allocation>();
  for (const a of allocs) {
    const key = `${a.task}#${a.index}`;
    const prev = latest.get(key);
    if (!prev || prev.createdAt <= a.createdAt) latest.set(key, a);
  }
  return [...latest.values()];
}

/**
 * A job's status derived from its allocations: `dead` once stopped; `failed` when an allocation
 * failed for good and nothing runs; `complete` when every batch instance completed; `running` when
 * anything runs; `pending` otherwise.
 */
export function deriveJobStatus(job: Job, allocs: readonly Allocation[]): JobStatus {
  if (job.stopped) return "dead";
  const current = latestPerInstance(
    allocs.filter(
      (a) => a.desiredStatus === "run" && a.status !== "stopped" && a.status !== "lost",
    ),
  );
  const running = current.some((a) => a.status === "running" || a.status === "unknown");
  const failed = current.some((a) => a.status === "failed");
  if (failed && (job.type === "batch" || !running)) return "failed";
  if (job.type === "batch") {
    const wanted = job.spec.tasks.reduce((sum, t) => sum + t.count, 0);
    const complete = current.filter((a) => a.status === "complete").length;
    if (complete >= wanted) return "complete";
  }
  return running ? "running" : "pending";
}
