/** New random identifier (UUID v4); Web Crypto, so the model also loads in the browser. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** The first 8 characters, as tables show ids. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
