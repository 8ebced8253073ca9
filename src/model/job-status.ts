import type { Allocation } from "./allocation.js";
import type { Job, JobStatus } from "./job.js";

/**
 * A job's status derived from its allocations: `dead` once stopped; `failed` when an allocation
 * failed for good and nothing runs; `complete` when every batch instance completed; `running` when
 * anything runs; `pending` otherwise.
 */
export function deriveJobStatus(job: Job, allocs: readonly Allocation[]): JobStatus {
  if (job.stopped) return "dead";
  const current = allocs.filter(
    (a) => a.desiredStatus === "run" && a.status !== "stopped" && a.status !== "lost",
  );
  const running = current.some((a) => a.status === "running");
  const failed = current.some((a) => a.status === "failed");
  if (failed && (job.type === "batch" || !running)) return "failed";
  if (job.type === "batch") {
    const wanted = job.spec.tasks.reduce((sum, t) => sum + t.count, 0);
    const complete = current.filter((a) => a.status === "complete").length;
    if (complete >= wanted) return "complete";
  }
  return running ? "running" : "pending";
}
