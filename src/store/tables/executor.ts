import type { Kysely } from "kysely";
import type { Database } from "../database.js";

/** A database handle or an open transaction (a Kysely `Transaction` is a `Kysely`). */
export type Executor = Kysely<Database>;

/** Kysely reports affected rows as bigint on every dialect. */
export function touchedAny(result: { numUpdatedRows: bigint }): boolean {
  return result.numUpdatedRows > 0n;
}

/** Parses a `data` column back into the domain object it was written from. */
export function fromData<T>(row: { data: string }): T {
  return JSON.parse(row.data) as T;
}
