import type { FastifyReply } from "fastify";
import { BrinkError } from "../../model/index.js";

export interface PageQuery {
  limit?: string;
  cursor?: string;
}

/** Largest page a client may ask for. */
export const MAX_PAGE = 5000;

/**
 * Pages a list sorted by `key` (unique, ascending): at most `limit` items after `cursor`. The body
 * stays a JSON array; the next page's cursor travels in the `X-Next-Cursor` header, absent on the
 * last page. Without `limit` the whole list is returned (small clusters, scripts).
 */
export function paginate<T>(
  items: readonly T[],
  key: (item: T) => string,
  q: PageQuery,
  reply: FastifyReply,
): T[] {
  let start = 0;
  if (q.cursor !== undefined) {
    const cursor = q.cursor;
    start = items.findIndex((item) => key(item) > cursor);
    if (start < 0) start = items.length;
  }
  if (q.limit === undefined) return items.slice(start);
  const limit = Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new BrinkError(
      "BAD_REQUEST",
      `limit must be a whole number from 1 to ${MAX_PAGE}, not "${q.limit}"`,
    );
  }
  const page = items.slice(start, start + limit);
  const last = page.at(-1);
  if (last !== undefined && start + limit < items.length) reply.header("X-Next-Cursor", key(last));
  return page;
}
