import { randomUUID } from "node:crypto";

/** New random identifier (UUID v4). */
export function newId(): string {
  return randomUUID();
}

/** The first 8 characters, as tables show ids. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
