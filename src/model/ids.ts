/**
 * A new identifier: 36 characters in the UUID layout, `rrrrrrrr-tttt-tttt-tttt-rrrrrrrrrrrr`,
 * 80 random bits around the creation time (milliseconds, 12 hex digits). The first 8 characters
 * stay random, so tables show them (`shortId`) and lookups take them as a prefix; the time in the
 * middle lets the store keep rows in creation order (see `storageKey` in the store's allocations
 * table), so a plan's new rows land on the last pages of an index instead of on random ones.
 * Random bits come from Web Crypto, so the model also loads in the browser.
 */
export function newId(): string {
  return idAt(Date.now(), globalThis.crypto.randomUUID());
}

/**
 * The identifier for time `ms` with the random bits of `uuid` (a v4 UUID: its first 8 and last
 * 12 hex digits, which are random in every version-4 UUID).
 */
export function idAt(ms: number, uuid: string): string {
  const t = Math.max(0, Math.trunc(ms)).toString(16).padStart(12, "0").slice(-12);
  return `${uuid.slice(0, 8)}-${t.slice(0, 4)}-${t.slice(4, 8)}-${t.slice(8, 12)}-${uuid.slice(24, 36)}`;
}

/** The first 8 characters, as tables show ids. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
