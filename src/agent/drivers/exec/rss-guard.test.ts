import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { startRssGuard } from "./rss-guard.js";

describe("startRssGuard", () => {
  it("kills the group above the limit and reports oom", async () => {
    const child = spawn("sleep", ["100"], { detached: true, stdio: "ignore" });
    const exited = once(child, "exit");
    const guard = startRssGuard({
      pgid: child.pid!,
      limitBytes: 1000,
      intervalMs: 10,
      sample: async () => 2000,
    });
    const [, signal] = await exited;
    expect(signal).toBe("SIGKILL");
    expect(await guard.finish()).toBe("oom");
  });

  it("leaves a group under the limit alone and survives failing samples", async () => {
    let calls = 0;
    const guard = startRssGuard({
      pgid: 2 ** 22 + 1,
      limitBytes: 1000,
      intervalMs: 5,
      sample: async () => {
        calls++;
        if (calls % 2 === 0) throw new Error("boom");
        return 10;
      },
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBeGreaterThan(2);
    expect(await guard.finish()).toBeUndefined();
  });

  it("samples on the interval's beat of the clock: guards started apart check together", async () => {
    vi.useFakeTimers({ now: 10_300 });
    try {
      const at: [string, number][] = [];
      const guard = (name: string) =>
        startRssGuard({
          pgid: 2 ** 22 + 1,
          limitBytes: 1e9,
          intervalMs: 1000,
          sample: async () => {
            at.push([name, Date.now()]);
            return 0;
          },
        });
      const a = guard("a");
      await vi.advanceTimersByTimeAsync(450);
      const b = guard("b");
      await vi.advanceTimersByTimeAsync(2300);
      expect(at).toEqual([
        ["a", 11_000],
        ["b", 11_000],
        ["a", 12_000],
        ["b", 12_000],
        ["a", 13_000],
        ["b", 13_000],
      ]);
      await a.finish();
      await b.finish();
    } finally {
      vi.useRealTimers();
    }
  });
});
