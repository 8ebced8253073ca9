import type { EvalTrigger, Evaluation } from "../model/index.js";

/**
 * The evaluation broker: a FIFO of evaluations with at most one waiting per job (a newer request
 * for a job that already waits is folded into it). One worker drains it, so plans for the same
 * cluster never race.
 */
export class EvalBroker {
  private readonly queue: Evaluation[] = [];
  private readonly waiting = new Map<string, Evaluation>();
  private wake: (() => void) | null = null;
  private closed = false;

  get depth(): number {
    return this.queue.length;
  }

  /** Returns the evaluation that will run: the given one, or the one already waiting for the job. */
  enqueue(evaluation: Evaluation): Evaluation {
    const existing = this.waiting.get(evaluation.jobId);
    if (existing) return existing;
    this.waiting.set(evaluation.jobId, evaluation);
    this.queue.push(evaluation);
    this.wake?.();
    return evaluation;
  }

  /** Waits for the next evaluation; `undefined` once closed. */
  async next(): Promise<Evaluation | undefined> {
    while (!this.closed) {
      const e = this.queue.shift();
      if (e) {
        this.waiting.delete(e.jobId);
        return e;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    return undefined;
  }

  /** Up to `max` evaluations that are ready now, oldest first, without waiting. */
  takeReady(max: number): Evaluation[] {
    const taken = this.queue.splice(0, Math.max(0, max));
    for (const e of taken) this.waiting.delete(e.jobId);
    return taken;
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }
}

export function makeEvaluation(
  id: string,
  jobId: string,
  trigger: EvalTrigger,
  now: string,
): Evaluation {
  return { id, jobId, trigger, status: "pending", createdAt: now, updatedAt: now };
}
