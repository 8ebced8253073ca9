import { openPostgresStore } from "./postgres/open-postgres-store.js";
import { openSqliteStore, SQLITE_MEMORY } from "./sqlite/open-sqlite-store.js";
import { SqliteWorkerStore } from "./sqlite/worker-store.js";
import type { Store } from "./store.js";
import { parseStoreUrl } from "./store-url.js";

export interface OpenStoreOptions {
  /**
   * Run a SQLite file store on a thread of its own (default true): the server's event loop then
   * never waits on SQLite. An in-memory database always stays on the calling thread.
   */
  sqliteThread?: boolean;
}

/**
 * Opens the store a URL names (see `parseStoreUrl`) and migrates it to the newest schema.
 * Closes it again when migrating fails, so no pool or file handle leaks.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url);
  const threaded = options.sqliteThread ?? true;
  const store =
    location.kind === "sqlite"
      ? threaded && location.path !== SQLITE_MEMORY
        ? new SqliteWorkerStore({ path: location.path })
        : openSqliteStore({ path: location.path })
      : openPostgresStore({ url: location.url });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
