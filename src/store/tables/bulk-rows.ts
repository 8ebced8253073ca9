/** An allocation as its table stores it (see `allocationRow` in allocations.ts). */
export interface AllocationRow {
  id: string;
  job_id: string;
  node_id: string | null;
  status: string;
  created_at: string;
  data: string;
}

/** An event as its table stores it (see `eventRow` in events.ts). */
export interface EventRow {
  id: number;
  time: string;
  type: string;
  node_id: string | null;
  node_name: string | null;
  job_id: string | null;
  job_name: string | null;
  alloc_id: string | null;
  data: string;
}

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
