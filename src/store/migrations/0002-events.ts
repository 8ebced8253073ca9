import type { Kysely } from "kysely";

/*
 * The event log: one row per event, numbered by the control plane (`id` grows by one per event).
 * Copies of the fields the API filters on sit in columns; the whole event is JSON in `data`.
 * Indexes serve the common reads: everything after an id (the primary key), a node's or a job's
 * history, and retention by age.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("events")
    .ifNotExists()
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("time", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("node_id", "text")
    .addColumn("node_name", "text")
    .addColumn("job_id", "text")
    .addColumn("job_name", "text")
    .addColumn("alloc_id", "text")
    .addColumn("data", "text", (c) => c.notNull())
    .execute();
  for (const column of ["node_id", "job_id", "time"]) {
    await db.schema
      .createIndex(`events_${column}`)
      .ifNotExists()
      .on("events")
      .columns(column === "time" ? ["time"] : [column, "id"])
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("events").ifExists().execute();
}
