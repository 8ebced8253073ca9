import type { Kysely } from "kysely";

/*
 * Drops the event log's index on (node_id, id). Node ids are random, so every event written
 * (two per allocation: placed, running) touched a random page of that index: measured, it was
 * the largest single cost of a burst of placements (≈ 12 µs of ≈ 26 µs per event on SQLite).
 * A node's events are now found by walking the log newest first — bounded by retention
 * (100,000 events by default), tens of milliseconds at worst for a node with no recent events.
 * Job history keeps its index: one job's events arrive together, so its pages stay hot.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("events_node_id").ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("events_node_id")
    .ifNotExists()
    .on("events")
    .columns(["node_id", "id"])
    .execute();
}
