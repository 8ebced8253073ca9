import { ApiError, type BrinkClient } from "../../../src/client/index.js";
import type { FleetEvent } from "./event.js";

export interface StreamHandlers {
  /** A (re)connection starts: whatever happened while disconnected must be refetched. */
  onConnect(): void;
  onEvent(e: FleetEvent): void;
  /** The stream dropped; it is retried after `retryMs`. */
  onDrop(err: unknown, retryMs: number): void;
  /** The server refused the token. */
  onUnauthorized(): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Follows the one SSE stream of the server until `signal` aborts: resumes after the last event
 * seen (`since`), backs off 1 s → 15 s while the server is away.
 */
export async function followEvents(
  client: BrinkClient,
  h: StreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  let lastId: number | undefined;
  let retryMs = 1000;
  while (!signal.aborted) {
    h.onConnect();
    try {
      await client.streamEvents(
        lastId === undefined ? {} : { since: lastId },
        (e: FleetEvent) => {
          lastId = e.id;
          retryMs = 1000;
          h.onEvent(e);
        },
        { signal },
      );
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) return h.onUnauthorized();
      h.onDrop(err, retryMs);
      await sleep(retryMs, signal);
      retryMs = Math.min(retryMs * 2, 15_000);
      continue;
    }
    if (signal.aborted) return;
    h.onDrop(new Error("the stream ended"), retryMs);
    await sleep(retryMs, signal);
  }
}
