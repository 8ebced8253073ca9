import type { AllocationsTable, EventsTable } from "../database.js";

/** An allocation as its table stores it (see `allocationRow` in allocations.ts). */
export type AllocationRow = AllocationsTable;

/** An event as its table stores it (see `eventRow` in events.ts). */
export type EventRow = EventsTable;

/**
 * The two writes a burst of placements makes thousands of, done by a dialect faster than
 * Kysely's multi-row `INSERT` (building and compiling a 500-row statement took ≈ 13 % of the
 * SQLite thread's time). Runs inside the caller's open transaction, on its connection; same
 * semantics as the Kysely statements in allocations.ts and events.ts. Optional: without it the
 * tables use Kysely.
 */
export interface BulkRows {
  /** Insert, or replace everything but `job_id` (an allocation never changes job). */
  upsertAllocations(rows: readonly AllocationRow[]): void;
  /** Insert; an id already stored keeps its first copy. */
  insertEvents(rows: readonly EventRow[]): void;
}
