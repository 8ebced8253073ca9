import { describe, expect, it } from "vitest";
import { backoffDelayMs, RestartBackoff, stableRunMs } from "./restart-backoff.js";

describe("restart backoff", () => {
  it("doubles the delay per consecutive failure up to the cap, never below the base", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) =>
      backoffDelayMs({ delay: 1000, maxDelay: 10_000 }, n),
    );
    expect(delays).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffDelayMs({ delay: 1000 }, 50)).toBe(5 * 60_000);
    expect(backoffDelayMs({ delay: 600_000 }, 3)).toBe(600_000);
    expect(backoffDelayMs({ delay: 0 }, 9)).toBe(0);
  });

  it("counts a run as healthy after 10× the delay, between 10 s and 5 min", () => {
    expect(stableRunMs(50)).toBe(10_000);
    expect(stableRunMs(2000)).toBe(20_000);
    expect(stableRunMs(60_000)).toBe(300_000);
  });

  it("resets after a healthy run and detects crash loops in a sliding window", () => {
    const b = new RestartBackoff({ delay: 100 }, { failures: 3, windowMs: 10_000 });
    expect(b.failure(0, 5)).toEqual({ delayMs: 100, stable: false, crashLoop: undefined });
    expect(b.failure(1000, 5).delayMs).toBe(200);
    expect(b.failure(2000, 5)).toEqual({
      delayMs: 400,
      stable: false,
      crashLoop: "crash loop: 3 failures in 10s",
    });
    expect(b.failure(30_000, 20_000)).toEqual({ delayMs: 100, stable: true, crashLoop: undefined });
    expect(b.failure(31_000, 5).crashLoop).toBeUndefined();
  });
});
