import type { Evaluation } from "../../model/index.js";
import { type Executor, fromData } from "./executor.js";

function evaluationRow(evaluation: Evaluation) {
  return {
    id: evaluation.id,
    job_id: evaluation.jobId,
    status: evaluation.status,
    created_at: evaluation.createdAt,
    data: JSON.stringify(evaluation),
  };
}

export function putEvaluation(db: Executor, evaluation: Evaluation): Promise<void> {
  return putEvaluations(db, [evaluation]);
}

/** Inserts or replaces by id (one id at most once in the list). */
export async function putEvaluations(db: Executor, list: readonly Evaluation[]): Promise<void> {
  if (list.length === 0) return;
  await db
    .insertInto("evaluations")
    .values(list.map(evaluationRow))
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        job_id: eb.ref("excluded.job_id"),
        status: eb.ref("excluded.status"),
        created_at: eb.ref("excluded.created_at"),
        data: eb.ref("excluded.data"),
      })),
    )
    .execute();
}

export async function getEvaluation(db: Executor, id: string): Promise<Evaluation | undefined> {
  const row = await db
    .selectFrom("evaluations")
    .select("data")
    .where("id", "=", id)
    .executeTakeFirst();
  return row && fromData<Evaluation>(row);
}

/** Pending evaluations, oldest first (ties broken by id, so the order is stable). */
export async function listPendingEvaluations(db: Executor): Promise<Evaluation[]> {
  const rows = await db
    .selectFrom("evaluations")
    .select("data")
    .where("status", "=", "pending")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((row) => fromData<Evaluation>(row));
}
