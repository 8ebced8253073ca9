import type { Allocation } from "./allocation.js";
import type { Job, JobStatus } from "./job.js";

/**
 * The newest allocation of each task instance (a rescheduled instance supersedes its failure).
 * Runs for every job a batch of reports touched, so it keys instances by task, then by index in
 * an array, without building a string per allocation. Order: by task as first seen, then index.
 */
function latestPerInstance(allocs: readonly Allocation[]): Allocation[] {
  const byTask = new Map<string, Allocation[]>();
  for (const a of allocs) {
    let slots = byTask.get(a.task);
    if (!slots) {
      slots = [];
      byTask.set(a.task, slots);
    }
    const prev = slots[a.index];
    if (!prev || prev.createdAt <= a.createdAt) slots[a.index] = a;
  }
  const out: Allocation[] = [];
  for (const slots of byTask.values()) for (const a of slots) if (a) out.push(a);
  return out;
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

/** Where a job's instances stand, in numbers: what a dashboard or a waiting script polls. */
export interface JobSummary {
  id: string;
  name: string;
  version: number;
  status: JobStatus;
  /** Instances wanted (the sum of the tasks' counts). */
  wanted: number;
  /** The newest allocation of each instance, counted by status. */
  allocations: Partial<Record<Allocation["status"], number>>;
  /** Of those: on a node, and waiting for one. */
  placed: number;
  unplaced: number;
}

export function summarizeJob(job: Job, allocs: readonly Allocation[]): JobSummary {
  const current = latestPerInstance(allocs.filter((a) => a.desiredStatus === "run"));
  const counts: Partial<Record<Allocation["status"], number>> = {};
  let placed = 0;
  for (const a of current) {
    counts[a.status] = (counts[a.status] ?? 0) + 1;
    if (a.nodeId !== null) placed++;
  }
  return {
    id: job.id,
    name: job.name,
    version: job.version,
    status: job.status,
    wanted: job.stopped ? 0 : job.spec.tasks.reduce((sum, t) => sum + t.count, 0),
    allocations: counts,
    placed,
    unplaced: current.length - placed,
  };
}
