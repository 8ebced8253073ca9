import { type Kysely, sql } from "kysely";

/*
 * Allocation rows are keyed in creation order, and lose their node index.
 *
 * - Keys: `storageKey` (tables/allocations.ts) rotates an id's random first group to the end, so
 *   ids made by `newId` (time after that group) sort by creation time and a plan's new rows append
 *   to the primary-key index. Rows stored before are re-keyed the same way (their old random ids
 *   stay random keys, which is fine: only new rows need to append).
 * - `allocations_node_id`: node ids are random, so every allocation written touched a random page
 *   of that index (as the event log's did, see 0003). The server keeps allocations in memory and
 *   never asks the store for one node's; a store filter by node scans.
 *
 * A rotated UUID-shaped id has its dashes at 4, 9, 14 and 27, an unrotated one at 8, 13, 18 and
 * 23, so no re-keyed row can meet another row's old key half-way through the update.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("allocations_node_id").ifExists().execute();
  await sql`update allocations set id = substr(id, 10) || substr(id, 1, 9) where length(id) > 9`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update allocations set id = substr(id, length(id) - 8) || substr(id, 1, length(id) - 9) where length(id) > 9`.execute(
    db,
  );
  await db.schema
    .createIndex("allocations_node_id")
    .ifNotExists()
    .on("allocations")
    .column("node_id")
    .execute();
}
