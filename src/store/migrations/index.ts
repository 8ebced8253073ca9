import type { Migration, MigrationProvider } from "kysely";
import * as initial from "./0001-initial.js";
import * as events from "./0002-events.js";
import * as eventsNodeIndex from "./0003-events-node-index.js";
import * as allocationsOrder from "./0004-allocations-order.js";

/**
 * Every migration, in code (no file system scan, so it works from `dist/` and bundles alike).
 * Names sort in the order they apply; never rename or edit one that has shipped — add a new one.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  "0001-initial": initial,
  "0002-events": events,
  "0003-events-node-index": eventsNodeIndex,
  "0004-allocations-order": allocationsOrder,
});

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
