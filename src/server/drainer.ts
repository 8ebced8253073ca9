import type { Allocation, Job, Node } from "../model/index.js";

export interface DrainDecision {
  /** Allocations to stop now (their jobs are then re-evaluated and place replacements). */
  stop: Array<{ alloc: Allocation; reason: string }>;
  /** True when nothing that must move is left on the node. */
  done: boolean;
}

function movable(a: Allocation, job: Job | undefined): boolean {
  return (
    job !== undefined &&
    job.type !== "system" &&
    a.desiredStatus === "run" &&
    (a.status === "pending" || a.status === "running")
  );
}

/**
 * One step of a drain (pure): batch work may finish until the deadline; service work moves at
 * most `update.maxParallel` instances per job at a time (an instance is in flight while its
 * replacement is pending or the original is still stopping); at the deadline everything left is
 * stopped.
 */
export function drainStep(
  node: Node,
  nowMs: number,
  onNode: readonly Allocation[],
  jobAllocs: (jobId: string) => readonly Allocation[],
  job: (jobId: string) => Job | undefined,
): DrainDecision {
  const drain = node.drain;
  if (!drain) return { stop: [], done: true };
  const left = onNode.filter((a) => movable(a, job(a.jobId)));
  if (left.length === 0) return { stop: [], done: true };
  if (nowMs >= Date.parse(drain.deadline)) {
    return {
      stop: left.map((alloc) => ({ alloc, reason: `node ${node.name} drain deadline reached` })),
      done: false,
    };
  }
  const stop: DrainDecision["stop"] = [];
  const byJob = new Map<string, Allocation[]>();
  for (const a of left)
    if (job(a.jobId)?.type === "service") byJob.set(a.jobId, [...(byJob.get(a.jobId) ?? []), a]);
  for (const [jobId, allocs] of byJob) {
    const j = job(jobId);
    if (!j) continue;
    const all = jobAllocs(jobId);
    const stopping = onNode.filter(
      (a) => a.jobId === jobId && a.desiredStatus === "stop" && a.status === "running",
    ).length;
    const pending = all.filter(
      (a) => a.desiredStatus === "run" && a.status === "pending" && a.createdAt >= drain.startedAt,
    ).length;
    const room = j.spec.update.maxParallel - stopping - pending;
    for (const alloc of allocs.slice(0, Math.max(0, room))) {
      stop.push({ alloc, reason: `node ${node.name} draining` });
    }
  }
  return { stop, done: false };
}
