import type { AgentMessage, AllocReport } from "../model/index.js";

/** Reports per message at most (the server accepts up to 10,000). */
const MAX_PER_MESSAGE = 1000;

/**
 * Status reports made in the same moment — one turn of the event loop: a desired-state message
 * that starts several tasks, a node stopping all of its work — leave as one numbered message
 * (`alloc-status` for one, `alloc-statuses` for more), in the order they were made. A report
 * that cannot be sent (no session) is not kept: the next session's hello reports every status.
 */
export class ReportBatcher {
  private queue: AllocReport[] = [];
  private scheduled = false;
  private seq = 0;

  constructor(private readonly send: (msg: AgentMessage) => void) {}

  push(report: AllocReport): void {
    this.queue.push(report);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends what is queued now. */
  flush(): void {
    this.scheduled = false;
    const queued = this.queue;
    this.queue = [];
    for (let start = 0; start < queued.length; start += MAX_PER_MESSAGE) {
      const reports = queued.slice(start, start + MAX_PER_MESSAGE);
      const seq = ++this.seq;
      const [only] = reports;
      this.send(
        reports.length === 1 && only
          ? { type: "alloc-status", report: only, seq }
          : { type: "alloc-statuses", reports, seq },
      );
    }
  }
}
