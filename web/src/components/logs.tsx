import { useEffect, useRef, useState } from "react";
import { ApiError } from "../../../src/client/index.js";
import type { Allocation } from "../../../src/model/index.js";
import { useSession } from "../auth/session.js";

/** The end of the log fetched each time (bytes). */
const TAIL_BYTES = 64 * 1024;
/** While following a running allocation, the tail is read again this often. */
const FOLLOW_MS = 2000;

/**
 * The output of one allocation, read through its agent (`GET /v1/allocations/:id/logs`). The API
 * answers with the end of the file, so following re-reads the tail while the allocation runs
 * and keeps the view scrolled to the bottom unless the reader scrolled up.
 */
export function LogsPanel({ alloc, onClose }: { alloc: Allocation; onClose(): void }) {
  const { client } = useSession();
  const [stream, setStream] = useState<"stdout" | "stderr">("stdout");
  const [follow, setFollow] = useState(true);
  const [text, setText] = useState<string>();
  const [error, setError] = useState<string>();
  const pre = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  const running = alloc.status === "running" || alloc.status === "pending";

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const t = await client.allocLogs(alloc.id, stream, TAIL_BYTES);
        if (!live) return;
        setText(t);
        setError(undefined);
      } catch (err) {
        if (!live) return;
        setError(
          err instanceof ApiError && err.code === "CONFLICT"
            ? "Not placed yet: no output."
            : err instanceof Error
              ? err.message
              : String(err),
        );
      }
      if (live && follow && running) timer = setTimeout(read, FOLLOW_MS);
    };
    void read();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [client, alloc.id, stream, follow, running]);

  useEffect(() => {
    const el = pre.current;
    if (el && pinned.current && text !== undefined) el.scrollTop = el.scrollHeight;
  }, [text]);

  return (
    <section className="logs" aria-label={`Logs of ${alloc.id}`}>
      <header>
        <h2>
          Logs <code>{alloc.id.slice(0, 8)}</code> {alloc.task}[{alloc.index}]
        </h2>
        <div className="logs-tools">
          <select
            aria-label="Stream"
            value={stream}
            onChange={(e) => setStream(e.target.value as "stdout" | "stderr")}
          >
            <option>stdout</option>
            <option>stderr</option>
          </select>
          <label>
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />{" "}
            Follow
          </label>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      {error && <p className="error">{error}</p>}
      <pre
        ref={pre}
        className="log-text"
        data-testid="log-text"
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {text === undefined ? "Loading…" : text || "(no output yet)"}
      </pre>
    </section>
  );
}
