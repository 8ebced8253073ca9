import { openPostgresStore } from "./postgres/open-postgres-store.js";
import { openSqliteStore } from "./sqlite/open-sqlite-store.js";
import type { Store } from "./store.js";
import { parseStoreUrl } from "./store-url.js";

/**
 * Opens the store a URL names (see `parseStoreUrl`) and migrates it to the newest schema.
 * Closes it again when migrating fails, so no pool or file handle leaks.
 */
export async function openStore(url: string): Promise<Store> {
  const location = parseStoreUrl(url);
  const store =
    location.kind === "sqlite"
      ? openSqliteStore({ path: location.path })
      : openPostgresStore({ url: location.url });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
