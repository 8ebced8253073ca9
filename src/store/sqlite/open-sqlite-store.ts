import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import type { Database } from "../database.js";
import { KyselyStore } from "../kysely-store.js";
import { migrateToLatest } from "../migrate-to-latest.js";
import type { BulkRows } from "../tables/bulk-rows.js";

export const SQLITE_MEMORY = ":memory:";

export interface SqliteStoreOptions {
  /** Database file (its directory is created if missing), or `:memory:`. */
  path: string;
  /** How long a statement waits for another process's lock before failing, in ms. */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Page size of a new database file. SQLite writes a commit to the WAL one page at a time (a
 * system call each), and the server's writes are batches of hundreds of rows: 16 KiB pages took
 * the same batches in ≈ 40 % less time than the 4 KiB default (docs/benchmarks.md). A file that
 * already exists keeps the page size it was created with.
 */
export const SQLITE_PAGE_SIZE = 16_384;

/** Opens the file with WAL (readers never block the writer) and NORMAL sync (safe with WAL). */
function openDatabase(options: SqliteStoreOptions): SqliteDatabase.Database {
  if (options.path !== SQLITE_MEMORY) mkdirSync(dirname(options.path), { recursive: true });
  const db = new SqliteDatabase(options.path);
  // Only takes effect on a database with no tables yet (before WAL is first set up).
  db.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const busyTimeoutMs = Math.max(0, Math.trunc(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}

/**
 * Kysely runs SQLite migrations outside transactions. Holding the one connection inside
 * `BEGIN IMMEDIATE` makes the whole run atomic and keeps other processes out until it commits.
 */
async function migrateSqlite(db: Kysely<Database>): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      await migrateToLatest(conn);
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
    await sql`commit`.execute(conn);
  });
}

/** Prepared statements kept per SQL text (Kysely prepares every query it runs). */
const STATEMENT_CACHE = 256;

/**
 * The database as Kysely sees it, with prepared statements reused: the server runs the same few
 * statements thousands of times a second under load, and preparing is a parse and plan each time.
 * Kysely runs each statement to completion before the next (`all`/`run`), so reuse is safe.
 */
function withStatementCache(database: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare: (text: string) => {
      let stmt = cache.get(text);
      if (stmt) {
        // Most recently used last, so the oldest goes first when the cache is full.
        cache.delete(text);
      } else {
        stmt = database.prepare(text);
        if (cache.size >= STATEMENT_CACHE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

const UPSERT_ALLOCATION = `insert into allocations (id, job_id, node_id, status, created_at, data)
  values (?, ?, ?, ?, ?, ?)
  on conflict (id) do update set node_id = excluded.node_id, status = excluded.status,
    created_at = excluded.created_at, data = excluded.data`;

const INSERT_EVENT = `insert into events (id, time, type, node_id, node_name, job_id, job_name, alloc_id, data)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (id) do nothing`;

/**
 * Bulk writes as one prepared statement (from the store's statement cache) run per row: SQLite
 * has a single connection, so they run inside the Kysely transaction that calls them.
 */
function sqliteBulkRows(database: ReturnType<typeof withStatementCache>): BulkRows {
  return {
    upsertAllocations(rows) {
      const stmt = database.prepare(UPSERT_ALLOCATION);
      for (const r of rows) stmt.run(r.id, r.job_id, r.node_id, r.status, r.created_at, r.data);
    },
    insertEvents(rows) {
      const stmt = database.prepare(INSERT_EVENT);
      for (const r of rows)
        stmt.run(
          r.id,
          r.time,
          r.type,
          r.node_id,
          r.node_name,
          r.job_id,
          r.job_name,
          r.alloc_id,
          r.data,
        );
    },
  };
}

/** A SQLite-backed store, not yet migrated (`openStore` migrates). */
export function openSqliteStore(options: SqliteStoreOptions): KyselyStore {
  const database = withStatementCache(openDatabase(options));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return new KyselyStore({
    kind: "sqlite",
    db,
    migrate: migrateSqlite,
    bulk: sqliteBulkRows(database),
  });
}
