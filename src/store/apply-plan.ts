import type { PlanCommit } from "./store.js";
import { upsertAllocations } from "./tables/allocations.js";
import { putEvaluation } from "./tables/evaluations.js";
import type { Executor } from "./tables/executor.js";
import { setJobStatus } from "./tables/jobs.js";

/**
 * Writes one plan inside the caller's transaction: allocations, then the job status (a missing
 * job throws `JOB_NOT_FOUND`), then the evaluation. Any throw rolls every step back.
 */
export async function writePlan(trx: Executor, commit: PlanCommit): Promise<void> {
  await upsertAllocations(trx, commit.upsertAllocs);
  if (commit.job) await setJobStatus(trx, commit.job);
  if (commit.evaluation) await putEvaluation(trx, commit.evaluation);
}
