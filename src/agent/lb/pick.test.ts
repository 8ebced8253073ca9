import { describe, expect, it } from "vitest";
import { type Candidate, cost, pickEndpoint } from "./pick.js";

const cand = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  inflight: 0,
  ewmaMs: undefined,
  rttMs: null,
  ...over,
});

/** A seeded generator (mulberry32), so every run draws the same numbers. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function counter() {
  let n = 0;
  return () => n++;
}

describe("load-balancing policies", () => {
  it("round_robin takes each endpoint in turn", () => {
    const list = [cand("a"), cand("b"), cand("c")];
    const ctx = { random: seeded(1), next: counter() };
    const ids = Array.from({ length: 6 }, () => pickEndpoint("round_robin", list, ctx)?.id);
    expect(ids).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  it("least_requests takes the least busy, ties in turn", () => {
    const list = [
      cand("a", { inflight: 2 }),
      cand("b", { inflight: 0 }),
      cand("c", { inflight: 0 }),
    ];
    const ctx = { random: seeded(1), next: counter() };
    const ids = Array.from({ length: 4 }, () => pickEndpoint("least_requests", list, ctx)?.id);
    expect(ids).toEqual(["b", "c", "b", "c"]);
  });

  it("consistent_hash: a key keeps its endpoint, and only the keys of a removed endpoint move", () => {
    const list = ["a", "b", "c", "d"].map((id) => cand(id));
    const ctx = (key: string) => ({ random: seeded(1), next: counter(), hashKey: key });
    const keys = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const before = new Map(keys.map((k) => [k, pickEndpoint("consistent_hash", list, ctx(k))?.id]));
    for (const k of keys)
      expect(pickEndpoint("consistent_hash", list, ctx(k))?.id).toBe(before.get(k));
    expect(new Set(before.values()).size).toBe(4);
    const without = list.filter((c) => c.id !== "b");
    for (const k of keys) {
      const now = pickEndpoint("consistent_hash", without, ctx(k))?.id;
      if (before.get(k) !== "b") expect(now).toBe(before.get(k));
      else expect(now).not.toBe("b");
    }
  });

  it("consistent_hash without the header falls back to taking turns", () => {
    const list = [cand("a"), cand("b")];
    const ctx = { random: seeded(1), next: counter() };
    expect([1, 2].map(() => pickEndpoint("consistent_hash", list, ctx)?.id)).toEqual(["a", "b"]);
  });

  it("latency sends most requests to the fastest endpoint and some to the others", () => {
    const list = [
      cand("fast", { ewmaMs: 2 }),
      cand("mid", { ewmaMs: 20 }),
      cand("slow", { ewmaMs: 80 }),
    ];
    const ctx = { random: seeded(7), next: counter() };
    const hits = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const id = pickEndpoint("latency", list, ctx)?.id as string;
      hits.set(id, (hits.get(id) ?? 0) + 1);
    }
    expect(hits.get("fast")).toBeGreaterThan(9000);
    expect(hits.get("mid")).toBeGreaterThan(0);
    expect(hits.get("fast") ?? 0).toBeGreaterThan(hits.get("mid") ?? 0);
    expect(hits.get("mid") ?? 0).toBeGreaterThanOrEqual(hits.get("slow") ?? 0);
  });

  it("latency weighs requests in flight: a busy fast endpoint yields to an idle one", () => {
    expect(cost(cand("x", { ewmaMs: 2, inflight: 120 }))).toBeGreaterThan(
      cost(cand("y", { ewmaMs: 20 })),
    );
    const list = [cand("busy", { ewmaMs: 2, inflight: 200 }), cand("idle", { ewmaMs: 10 })];
    const ctx = { random: seeded(3), next: counter() };
    const ids = Array.from({ length: 100 }, () => pickEndpoint("latency", list, ctx)?.id);
    expect(ids.filter((id) => id === "idle").length).toBe(100);
    // A few requests in flight do not outweigh a tenfold faster answer.
    expect(cost(cand("x", { ewmaMs: 2, inflight: 10 }))).toBeLessThan(
      cost(cand("y", { ewmaMs: 20 })),
    );
  });

  it("latency tries a once-slow endpoint again as its figure fades", () => {
    const fresh = [cand("fast", { ewmaMs: 2 }), cand("was-slow", { ewmaMs: 60, ewmaAgeMs: 0 })];
    const ctx = { random: seeded(9), next: counter() };
    const now = Array.from({ length: 200 }, () => pickEndpoint("latency", fresh, ctx)?.id);
    expect(now).not.toContain("was-slow");
    const aged = [cand("fast", { ewmaMs: 2 }), cand("was-slow", { ewmaMs: 60, ewmaAgeMs: 5000 })];
    const later = Array.from({ length: 200 }, () => pickEndpoint("latency", aged, ctx)?.id);
    expect(later).toContain("was-slow");
  });

  it("latency tries an endpoint with no figure yet by its RTT", () => {
    const list = [cand("known", { ewmaMs: 30 }), cand("new", { rttMs: 0.2 })];
    const ctx = { random: seeded(5), next: counter() };
    expect(pickEndpoint("latency", list, ctx)?.id).toBe("new");
  });
});
