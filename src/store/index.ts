export type { StoreDialect } from "./kysely-store.js";
export { KyselyStore } from "./kysely-store.js";
export { openStore } from "./open-store.js";
export {
  openPostgresStore,
  type PostgresStoreOptions,
} from "./postgres/open-postgres-store.js";
export { openSqliteStore, type SqliteStoreOptions } from "./sqlite/open-sqlite-store.js";
export type {
  AllocFilter,
  EventQuery,
  EventRetention,
  PlanCommit,
  Store,
  TokenRecord,
} from "./store.js";
export { parseStoreUrl, STORE_URL_FORMS, type StoreLocation } from "./store-url.js";
