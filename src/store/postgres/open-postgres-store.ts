import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "../database.js";
import { KyselyStore } from "../kysely-store.js";
import { migrateToLatest } from "../migrate-to-latest.js";
import { postgresTarget } from "./postgres-url.js";

export interface PostgresStoreOptions {
  /** `postgres://` or `postgresql://` URL; may carry `?schema=name`. */
  url: string;
  /**
   * Schema holding every table, created if missing and put on the search path. Overrides the
   * URL's `schema`. Unset: the server's current schema (normally `public`).
   */
  schema?: string;
  /** Most connections in the pool. */
  maxConnections?: number;
  /** Errors of idle pooled connections (e.g. a server restart); the next query fails anyway. */
  onPoolError?: (error: Error) => void;
}

const DEFAULT_MAX_CONNECTIONS = 10;

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(db);
  const name = rows[0]?.name;
  if (name) return name;
  throw new Error("PostgreSQL search_path names no existing schema; set ?schema=name");
}

/**
 * Migrations run in one transaction under Kysely's advisory lock. Naming the schema also makes
 * Kysely create it when missing — tolerating clients that race to create it, which a bare
 * `CREATE SCHEMA IF NOT EXISTS` does not — and keeps its bookkeeping tables beside ours.
 */
function migratorFor(schema: string | undefined) {
  return async (db: Kysely<Database>): Promise<void> => {
    const migrationTableSchema = schema ?? (await currentSchema(db));
    await migrateToLatest(db, { migrationTableSchema });
  };
}

/** A PostgreSQL-backed store, not yet migrated (`openStore` migrates). Connects lazily. */
export function openPostgresStore(options: PostgresStoreOptions): KyselyStore {
  const target = postgresTarget(options.url, options.schema);
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    ...(target.options === undefined ? {} : { options: target.options }),
  });
  pool.on("error", options.onPoolError ?? (() => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyStore({ kind: "postgres", db, migrate: migratorFor(target.schema) });
}
