import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Topic } from "./event.js";
import { RefetchQueue } from "./refetch-queue.js";

describe("RefetchQueue", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("coalesces signals into one run after the delay", async () => {
    const runs: Topic[][] = [];
    const q = new RefetchQueue(
      async (t) => void runs.push([...t].sort()),
      100,
      () => undefined,
    );
    void q.mark(["nodes"]);
    await vi.advanceTimersByTimeAsync(50);
    void q.mark(["allocs", "nodes"]);
    await vi.advanceTimersByTimeAsync(50);
    expect(runs).toEqual([["allocs", "nodes"]]);
  });

  it("is not starved by a steady flow of signals", async () => {
    const runs: Topic[][] = [];
    const q = new RefetchQueue(
      async (t) => void runs.push([...t]),
      100,
      () => undefined,
    );
    for (let i = 0; i < 10; i++) {
      void q.mark(["jobs"]);
      await vi.advanceTimersByTimeAsync(40);
    }
    expect(runs.length).toBeGreaterThanOrEqual(3);
  });

  it("runs one at a time and fetches again what went stale during a run", async () => {
    let release: () => void = () => undefined;
    let active = 0;
    let maxActive = 0;
    const runs: Topic[][] = [];
    const q = new RefetchQueue(
      async (t) => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs.push([...t]);
        await new Promise<void>((r) => {
          release = r;
        });
        active--;
      },
      10,
      () => undefined,
    );
    const first = q.mark(["nodes"]);
    await vi.advanceTimersByTimeAsync(10);
    const second = q.mark(["jobs"]);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toEqual([["nodes"]]);
    release();
    await expect(first).resolves.toBe(true);
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toEqual([["nodes"], ["jobs"]]);
    release();
    await expect(second).resolves.toBe(true);
    expect(maxActive).toBe(1);
  });

  it("reports a failed run and tells the waiters", async () => {
    const errors: unknown[] = [];
    const q = new RefetchQueue(
      async () => {
        throw new Error("server away");
      },
      0,
      (e) => errors.push(e),
    );
    const done = q.mark(["nodes"], { now: true });
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toBe(false);
    expect(String(errors[0])).toContain("server away");
  });
});
