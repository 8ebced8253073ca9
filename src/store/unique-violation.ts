import { BrinkError } from "../model/errors.js";

/** SQLite (better-sqlite3) and PostgreSQL (pg) codes for a broken unique or primary key. */
const SQLITE_UNIQUE_CODES = new Set(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);
const PG_UNIQUE_VIOLATION = "23505";

export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  const code = error.code;
  return (
    code === PG_UNIQUE_VIOLATION || (typeof code === "string" && SQLITE_UNIQUE_CODES.has(code))
  );
}

/**
 * Runs `write`; a unique violation becomes a `CONFLICT` error with `message`, so both backends
 * report the same thing. Any other error passes through unchanged.
 */
export async function conflictAs<T>(message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new BrinkError("CONFLICT", message);
  }
}
