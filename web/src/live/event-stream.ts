import { ApiError, type BrinkClient } from "../../../src/client/index.js";
import type { FleetEvent } from "./event.js";

export interface StreamHandlers {
  /** The stream (re)opened: whatever happened while disconnected must be refetched. */
  onConnect(): void;
  onEvent(e: FleetEvent): void;
  /** The stream dropped; the client reopens it (resuming after the last event seen). */
  onDrop(err: unknown): void;
  /** The server refused the token. */
  onUnauthorized(): void;
  /** The server refused the stream for another reason (a bug: shown, not retried). */
  onRefused(err: unknown): void;
}

/** Follows the server's one SSE stream (`GET /v1/events/stream`) until `signal` aborts. */
export async function followEvents(
  client: BrinkClient,
  h: StreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  try {
    await client.streamEvents({}, (e: FleetEvent) => h.onEvent(e), {
      signal,
      onStatus: (status, err) => (status === "open" ? h.onConnect() : h.onDrop(err)),
    });
  } catch (err) {
    if (signal.aborted) return;
    if (err instanceof ApiError && err.status === 401) h.onUnauthorized();
    else h.onRefused(err);
  }
}
