import type { Kysely } from "kysely";

/*
 * Portable types only (text, integer), so SQLite and PostgreSQL run the very same migration.
 * Ids, timestamps (ISO 8601, which sort as text) and JSON documents are text.
 * `ifNotExists` everywhere: on SQLite a migration is not transactional DDL in Kysely's eyes, so a
 * half-applied run must be safe to repeat (the SQLite backend also wraps it in one transaction).
 */

async function createMetaAndTokens(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("meta")
    .ifNotExists()
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("tokens")
    .ifNotExists()
    .addColumn("hash", "text", (c) => c.primaryKey())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("node_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("tokens_node_id")
    .ifNotExists()
    .on("tokens")
    .column("node_id")
    .execute();
}

async function createNodes(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("nodes")
    .ifNotExists()
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("site", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .execute();
}

async function createJobs(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("jobs")
    .ifNotExists()
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("job_versions")
    .ifNotExists()
    .addColumn("job_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("job_versions_pk", ["job_id", "version"])
    .execute();
}

async function createAllocations(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("allocations")
    .ifNotExists()
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("job_id", "text", (c) => c.notNull())
    .addColumn("node_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .execute();
  for (const column of ["job_id", "node_id"]) {
    await db.schema
      .createIndex(`allocations_${column}`)
      .ifNotExists()
      .on("allocations")
      .column(column)
      .execute();
  }
}

async function createEvaluations(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("evaluations")
    .ifNotExists()
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("job_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("evaluations_status_created_at")
    .ifNotExists()
    .on("evaluations")
    .columns(["status", "created_at"])
    .execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await createMetaAndTokens(db);
  await createNodes(db);
  await createJobs(db);
  await createAllocations(db);
  await createEvaluations(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "evaluations",
    "allocations",
    "job_versions",
    "jobs",
    "nodes",
    "tokens",
    "meta",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
