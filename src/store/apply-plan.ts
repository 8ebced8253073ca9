import type { PlanCommit } from "./store.js";
import { upsertAllocations } from "./tables/allocations.js";
import type { BulkRows } from "./tables/bulk-rows.js";
import { putEvaluation, putEvaluations } from "./tables/evaluations.js";
import type { Executor } from "./tables/executor.js";
import { setJobStatus } from "./tables/jobs.js";

/**
 * Writes one plan inside the caller's transaction: allocations, then the job status (a missing
 * job throws `JOB_NOT_FOUND`), then the evaluation. Any throw rolls every step back.
 */
export async function writePlan(trx: Executor, commit: PlanCommit, bulk?: BulkRows): Promise<void> {
  await upsertAllocations(trx, commit.upsertAllocs, bulk);
  if (commit.job) await setJobStatus(trx, commit.job);
  if (commit.evaluation) await putEvaluation(trx, commit.evaluation);
}

/**
 * Writes several plans inside the caller's transaction, as if written one after another: every
 * allocation in one upsert (a later plan's version of an id wins), then job statuses and
 * evaluations in order.
 */
export async function writePlans(
  trx: Executor,
  commits: readonly PlanCommit[],
  bulk?: BulkRows,
): Promise<void> {
  await upsertAllocations(
    trx,
    commits.flatMap((c) => c.upsertAllocs),
    bulk,
  );
  for (const c of commits) if (c.job) await setJobStatus(trx, c.job);
  await putEvaluations(
    trx,
    commits.flatMap((c) => (c.evaluation ? [c.evaluation] : [])),
  );
}
