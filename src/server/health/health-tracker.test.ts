import { describe, expect, it } from "vitest";
import { HealthTracker } from "./health-tracker.js";

const opts = {
  phiThreshold: 8,
  graceMs: 10_000,
  witnessTimeoutMs: 3000,
  heartbeatIntervalMs: 1000,
};

function tracked(): HealthTracker {
  const h = new HealthTracker(opts);
  for (let t = 0; t <= 20_000; t += 1000) h.seen("n", t);
  return h;
}

describe("HealthTracker", () => {
  it("suspects a node whose heartbeats stop", () => {
    const h = tracked();
    expect(h.shouldSuspect("n", 20_500)).toBe(false);
    expect(h.shouldSuspect("n", 24_000)).toBe(true);
  });

  it("calls a node a witness still reaches disconnected", () => {
    const h = tracked();
    h.markSuspect("n", 21_000);
    h.witness("w1", { n: { ok: false, rttMs: null } }, 21_100);
    h.witness("w2", { n: { ok: true, rttMs: 1 } }, 21_200);
    expect(h.verdict("n", ["w1", "w2"], 21_300)).toBe("disconnected");
  });

  it("calls a node down at once when every witness fails to reach it", () => {
    const h = tracked();
    h.markSuspect("n", 21_000);
    h.witness("w1", { n: { ok: false, rttMs: null } }, 21_100);
    expect(h.verdict("n", ["w1", "w2"], 21_150)).toBe("wait");
    h.witness("w2", { n: { ok: false, rttMs: null } }, 21_200);
    expect(h.verdict("n", ["w1", "w2"], 21_250)).toBe("down");
  });

  it("ignores reports from before the suspicion", () => {
    const h = tracked();
    h.witness("w1", { n: { ok: true, rttMs: 1 } }, 20_000);
    h.markSuspect("n", 21_000);
    expect(h.verdict("n", ["w1"], 21_100)).toBe("wait");
  });

  it("without witnesses, waits for the grace period", () => {
    const h = tracked();
    h.markSuspect("n", 21_000);
    expect(h.verdict("n", [], 25_000)).toBe("wait");
    expect(h.verdict("n", [], 30_001)).toBe("down");
  });
});
