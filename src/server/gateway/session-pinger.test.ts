import { afterEach, describe, expect, it, vi } from "vitest";
import { SessionPinger } from "./session-pinger.js";

function session(log: string[], name: string) {
  return {
    ping: () => {
      log.push(name);
      return true;
    },
  };
}

/** A pinger with a 1 s interval on a hand-set clock, and sessions named by `names`. */
function pingerOf(names: string) {
  vi.useFakeTimers();
  const clock = { now: 0 };
  const pinger = new SessionPinger(1000, () => clock.now);
  const log: string[] = [];
  for (const name of names) pinger.add(session(log, name));
  return { pinger, log, clock };
}

describe("SessionPinger", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("pings every session once per interval, spread over the interval's slots", () => {
    const { pinger, log, clock } = pingerOf("abcdefghijkl");
    const seen: string[][] = [];
    for (let t = 100; t <= 2000; t += 100) {
      clock.now = t;
      vi.advanceTimersByTime(100);
      seen.push(log.splice(0));
    }
    // Ten slots of 100 ms: a and k share the first, b and l the second, one each after.
    expect(seen.slice(0, 10)).toEqual([
      ["a", "k"],
      ["b", "l"],
      ["c"],
      ["d"],
      ["e"],
      ["f"],
      ["g"],
      ["h"],
      ["i"],
      ["j"],
    ]);
    // The next interval repeats the same order.
    expect(seen.slice(10)).toEqual(seen.slice(0, 10));
    pinger.stop();
  });

  it("after the event loop was held up, pings each slot that fell due once", () => {
    const { pinger, log, clock } = pingerOf("abcdefghij");
    clock.now = 350;
    pinger.tick();
    expect(log.splice(0)).toEqual(["a", "b", "c"]);
    // Held up for 2.5 s: every session is pinged once, not two and a half times.
    clock.now = 2850;
    pinger.tick();
    expect(log.splice(0).sort()).toEqual(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
    clock.now = 2950;
    pinger.tick();
    expect(log.splice(0)).toHaveLength(1);
    pinger.stop();
  });

  it("stops its timer when the last session leaves and starts again with the next", () => {
    vi.useFakeTimers();
    const pinger = new SessionPinger(500);
    const log: string[] = [];
    const a = session(log, "a");
    pinger.add(a);
    expect(vi.getTimerCount()).toBe(1);
    pinger.remove(a);
    expect(vi.getTimerCount()).toBe(0);
    expect(pinger.size).toBe(0);
    pinger.add(a);
    vi.advanceTimersByTime(600);
    expect(log).toEqual(["a"]);
    pinger.stop();
  });
});
