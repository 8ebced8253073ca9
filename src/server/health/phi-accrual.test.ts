import { describe, expect, it } from "vitest";
import { PhiAccrual } from "./phi-accrual.js";

function steady(intervalMs: number, jitterMs: number, beats: number): { d: PhiAccrual; t: number } {
  const d = new PhiAccrual(undefined, intervalMs);
  let t = 0;
  for (let i = 0; i < beats; i++) {
    t += intervalMs + (i % 2 === 0 ? jitterMs : -jitterMs);
    d.heartbeat(t);
  }
  return { d, t };
}

describe("PhiAccrual", () => {
  it("is calm right after a heartbeat and grows with silence", () => {
    const { d, t } = steady(1000, 20, 50);
    expect(d.phi(t)).toBeLessThan(1);
    expect(d.phi(t + 1500)).toBeLessThan(8);
    expect(d.phi(t + 5000)).toBeGreaterThan(8);
    expect(d.phi(t + 6000)).toBeGreaterThan(d.phi(t + 5000));
  });

  it("does not suspect a slow but steady link at intervals that would kill a fast one", () => {
    const fast = steady(1000, 20, 50);
    const slow = steady(1000, 600, 50); // 500 ms ± 300 ms of link delay shows up as jitter
    expect(fast.d.phi(fast.t + 3000)).toBeGreaterThan(8);
    expect(slow.d.phi(slow.t + 2000)).toBeLessThan(8);
  });
});
