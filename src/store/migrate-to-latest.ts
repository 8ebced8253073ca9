import { type Kysely, Migrator } from "kysely";
import type { Database } from "./database.js";
import { migrationProvider } from "./migrations/index.js";

export interface MigrateOptions {
  /** Schema of Kysely's own bookkeeping tables (PostgreSQL); unset for SQLite. */
  migrationTableSchema?: string;
}

/** Applies every pending migration; throws the first failure (Kysely reports it, not throws). */
export async function migrateToLatest(
  db: Kysely<Database>,
  options: MigrateOptions = {},
): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider, ...options });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === "Error")?.migrationName;
  const where = failed ? ` in migration ${failed}` : "";
  const cause = error instanceof Error ? error.message : String(error);
  throw new Error(`store migration failed${where}: ${cause}`, { cause: error });
}
