/** Where a store lives, parsed from the one URL the config carries. */
export type StoreLocation = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

export const STORE_URL_FORMS = [
  "sqlite:<path>",
  "sqlite::memory:",
  "postgres://...",
  "postgresql://...",
] as const;

/**
 * `sqlite:<path>` (also `sqlite://<path>`, so `sqlite:///var/lib/brink.db` is absolute),
 * `sqlite::memory:`, or a `postgres://` / `postgresql://` URL (optionally `?schema=name`).
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (url.startsWith("sqlite:")) return { kind: "sqlite", path: sqlitePath(url) };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  throw new Error(
    `unsupported store URL "${redact(url)}": use one of ${STORE_URL_FORMS.join(", ")}`,
  );
}

function sqlitePath(url: string): string {
  const rest = url.slice("sqlite:".length);
  const path = rest.startsWith("//") ? rest.slice(2) : rest;
  if (path === "") throw new Error(`store URL "${url}" names no file; e.g. sqlite:./brink.db`);
  return path;
}

/** Never echo a password from a URL back into logs. */
function redact(url: string): string {
  return url.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
}
