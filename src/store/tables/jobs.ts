import { BrinkError } from "../../model/errors.js";
import type { Job } from "../../model/index.js";
import { conflictAs } from "../unique-violation.js";
import { type Executor, fromData, touchedAny } from "./executor.js";

function jobRow(job: Job) {
  return {
    id: job.id,
    name: job.name,
    version: job.version,
    status: job.status,
    data: JSON.stringify(job),
  };
}

/** Appends a version to the history; storing the same version twice is a `CONFLICT`. */
export async function insertJobVersion(db: Executor, job: Job): Promise<void> {
  const write = db
    .insertInto("job_versions")
    .values({ job_id: job.id, version: job.version, data: JSON.stringify(job) });
  await conflictAs(`job "${job.name}" already has version ${job.version}`, () => write.execute());
}

/** Makes `job` the current record of its id; a name held by another job is a `CONFLICT`. */
export async function upsertJob(db: Executor, job: Job): Promise<void> {
  const write = db
    .insertInto("jobs")
    .values(jobRow(job))
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        name: eb.ref("excluded.name"),
        version: eb.ref("excluded.version"),
        status: eb.ref("excluded.status"),
        data: eb.ref("excluded.data"),
      })),
    );
  await conflictAs(`job name "${job.name}" is taken by another job`, () => write.execute());
}

/** Replaces the current record of an existing job; throws `JOB_NOT_FOUND` when there is none. */
export async function replaceJob(db: Executor, job: Job): Promise<void> {
  const write = db.updateTable("jobs").set(jobRow(job)).where("id", "=", job.id);
  const result = await conflictAs(`job name "${job.name}" is taken by another job`, () =>
    write.executeTakeFirst(),
  );
  if (!touchedAny(result)) throw new BrinkError("JOB_NOT_FOUND", `job ${job.id} not found`);
}

/** Read-modify-write of the status; run it in a transaction (see `setNodeStatus`). */
export async function setJobStatus(
  db: Executor,
  change: { id: string; status: Job["status"]; updatedAt: string; version?: number },
): Promise<void> {
  let update = db.updateTable("jobs").set({ status: change.status }).where("id", "=", change.id);
  if (change.version !== undefined) update = update.where("version", "=", change.version);
  const locked = await update.executeTakeFirst();
  const job = touchedAny(locked) ? await getJob(db, change.id) : undefined;
  if (!job) {
    // A status derived from an older version is moot once a newer one is stored (its own
    // evaluation sets its status); a job that does not exist at all is an error.
    if (change.version !== undefined && (await getJob(db, change.id))) return;
    throw new BrinkError("JOB_NOT_FOUND", `job ${change.id} not found`);
  }
  job.status = change.status;
  job.updatedAt = change.updatedAt;
  await db.updateTable("jobs").set(jobRow(job)).where("id", "=", job.id).execute();
}

export async function getJob(db: Executor, id: string): Promise<Job | undefined> {
  const row = await db.selectFrom("jobs").select("data").where("id", "=", id).executeTakeFirst();
  return row && fromData<Job>(row);
}

export async function getJobByName(db: Executor, name: string): Promise<Job | undefined> {
  const row = await db
    .selectFrom("jobs")
    .select("data")
    .where("name", "=", name)
    .executeTakeFirst();
  return row && fromData<Job>(row);
}

/** Current record of every job, by name. */
export async function listJobs(db: Executor): Promise<Job[]> {
  const rows = await db.selectFrom("jobs").select("data").orderBy("name").execute();
  return rows.map((row) => fromData<Job>(row));
}

/** Every stored version of a job, oldest first. */
export async function listJobVersions(db: Executor, jobId: string): Promise<Job[]> {
  const rows = await db
    .selectFrom("job_versions")
    .select("data")
    .where("job_id", "=", jobId)
    .orderBy("version")
    .execute();
  return rows.map((row) => fromData<Job>(row));
}
