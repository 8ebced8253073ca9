/** One server-sent event frame as received (fields absent when the frame did not carry them). */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

/**
 * Reads a `text/event-stream` body and calls `onFrame` per frame (a blank line ends one). Comments
 * (`: ping`) are skipped; `data` lines join with newlines; `\r\n`, `\r` and `\n` all end a line.
 * Uses only web APIs (ReadableStream, TextDecoder), so it runs in Node and in browsers alike.
 * Resolves when the stream ends.
 */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onFrame: (frame: SseFrame) => void,
  onBytes?: () => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let frame: SseFrame = {};
  let data: string[] = [];
  const line = (text: string) => {
    if (text === "") {
      if (data.length > 0) frame.data = data.join("\n");
      if (frame.id !== undefined || frame.data !== undefined) onFrame(frame);
      frame = {};
      data = [];
      return;
    }
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "id") frame.id = value;
    else if (field === "event") frame.event = value;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      onBytes?.();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A trailing "\r" may be half of "\r\n": keep it until more arrives.
      const held = !done && buffer.endsWith("\r") ? "\r" : "";
      const parts = (held ? buffer.slice(0, -1) : buffer).split(/\r\n|\r|\n/);
      buffer = (parts.pop() ?? "") + held;
      for (const p of parts) line(p);
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
