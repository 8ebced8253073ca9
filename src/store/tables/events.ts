import { sql } from "kysely";
import type { BrinkEvent } from "../../model/index.js";
import type { EventQuery, EventRetention } from "../store.js";
import type { BulkRows, EventRow } from "./bulk-rows.js";
import { type Executor, fromData } from "./executor.js";

/** 9 parameters a row: far below both backends' bound-parameter limits. */
const ROWS_PER_INSERT = 500;
/** Rows one pruning statement deletes, so a large backlog never holds a long lock. */
const PRUNE_BATCH = 5000;

function eventRow(e: BrinkEvent): EventRow {
  return {
    id: e.id,
    time: e.time,
    type: e.type,
    node_id: e.node ?? null,
    node_name: e.nodeName ?? null,
    job_id: e.job ?? null,
    job_name: e.jobName ?? null,
    alloc_id: e.alloc ?? null,
    data: JSON.stringify(e),
  };
}

/** Appends events (ids given by the caller, new ones). Not a transaction by itself. */
export async function insertEvents(
  db: Executor,
  events: readonly BrinkEvent[],
  bulk?: BulkRows,
): Promise<void> {
  if (bulk) {
    bulk.insertEvents(events.map(eventRow));
    return;
  }
  for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
    const rows = events.slice(start, start + ROWS_PER_INSERT).map(eventRow);
    await db
      .insertInto("events")
      .values(rows)
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }
}

/** Events matching the query, oldest first (`newest`: the last `limit` of them, still oldest first). */
export async function listEvents(db: Executor, q: EventQuery = {}): Promise<BrinkEvent[]> {
  let query = db.selectFrom("events").select("data");
  if (q.since !== undefined) query = query.where("id", ">", q.since);
  if (q.before !== undefined) query = query.where("id", "<", q.before);
  if (q.node !== undefined) query = query.where("node_id", "=", q.node);
  if (q.job !== undefined) query = query.where("job_id", "=", q.job);
  if (q.nodeName !== undefined) query = query.where("node_name", "=", q.nodeName);
  if (q.jobName !== undefined) query = query.where("job_name", "=", q.jobName);
  if (q.alloc !== undefined) query = query.where("alloc_id", "=", q.alloc);
  const types = q.types ?? [];
  if (types.length > 0) {
    const exact = types.filter((t) => !t.endsWith(".*"));
    const groups = types.filter((t) => t.endsWith(".*")).map((t) => `${t.slice(0, -1)}%`);
    query = query.where((eb) =>
      eb.or([
        ...(exact.length > 0 ? [eb("type", "in", exact)] : []),
        ...groups.map((g) => eb("type", "like", g)),
      ]),
    );
  }
  query = query.orderBy("id", q.newest ? "desc" : "asc");
  if (q.limit !== undefined) query = query.limit(q.limit);
  const rows = await query.execute();
  const events = rows.map((row) => fromData<BrinkEvent>(row));
  return q.newest ? events.reverse() : events;
}

/** The highest event id stored, 0 when there is none. */
export async function lastEventId(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("events")
    .select((eb) => eb.fn.max("id").as("max"))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

async function deleteBatches(
  db: Executor,
  where: (q: ReturnType<typeof selectIds>) => ReturnType<typeof selectIds>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = where(selectIds(db)).orderBy("id").limit(PRUNE_BATCH);
    const result = await db.deleteFrom("events").where("id", "in", ids).executeTakeFirst();
    const n = Number(result.numDeletedRows);
    total += n;
    if (n < PRUNE_BATCH) return total;
  }
}

function selectIds(db: Executor) {
  return db.selectFrom("events").select("id");
}

/**
 * Deletes what the retention no longer keeps: all but the newest `keep` events, and events older
 * than `before` (ISO). In batches of a few thousand rows, each its own statement. Returns how many
 * rows went.
 */
export async function pruneEvents(db: Executor, r: EventRetention): Promise<number> {
  let removed = 0;
  if (r.keep !== undefined) {
    const last = await lastEventId(db);
    const below = last - r.keep;
    if (below > 0) removed += await deleteBatches(db, (q) => q.where("id", "<=", below));
  }
  if (r.before !== undefined) {
    const before = r.before;
    removed += await deleteBatches(db, (q) => q.where("time", "<", before));
  }
  return removed;
}

/** Number of stored events (for tests and `brink` diagnostics). */
export async function countEvents(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("events")
    .select(sql<number>`count(*)`.as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
