import { BrinkError, newId } from "../model/index.js";
import type { AgentSession } from "./session.js";

interface Waiter {
  resolve(text: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Asks an agent for an allocation's log over its session and waits for the answer. */
export class LogsRelay {
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly timeoutMs = 10_000) {}

  request(
    session: AgentSession,
    allocId: string,
    stream: "stdout" | "stderr",
    tailBytes: number,
  ): Promise<string> {
    const requestId = newId();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(
          new BrinkError("NODE_UNREACHABLE", "the node did not answer the log request in time"),
        );
      }, this.timeoutMs);
      this.waiting.set(requestId, { resolve, reject, timer });
      session.send({ type: "logs", requestId, allocId, stream, tailBytes });
    });
  }

  answer(requestId: string, result: { ok: true; data: string } | { ok: false; error: string }) {
    const w = this.waiting.get(requestId);
    if (!w) return;
    this.waiting.delete(requestId);
    clearTimeout(w.timer);
    if (result.ok) w.resolve(result.data);
    else w.reject(new BrinkError("NOT_FOUND", `the node could not read the log: ${result.error}`));
  }

  cancelAll(): void {
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new BrinkError("UNAVAILABLE", "server shutting down"));
      this.waiting.delete(id);
    }
  }
}
