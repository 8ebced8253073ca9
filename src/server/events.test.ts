import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BrinkEvent, NewEvent } from "../model/index.js";
import { openStore, type Store } from "../store/index.js";
import { EventLog, type EventLogOptions } from "./events.js";
import { ServerMetrics } from "./metrics.js";

const logger = pino({ level: "silent" });
const T0 = Date.UTC(2026, 0, 1);

const placed = (i: number): NewEvent => ({
  type: "alloc.placed",
  job: i % 2 === 0 ? "even" : "odd",
  message: `placed ${i}`,
});

describe("EventLog", () => {
  let dir: string;
  let store: Store;
  let appends: number;
  let now: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "brink-eventlog-"));
    // The log, not the store thread, is under test here (the thread has its own tests).
    store = await openStore(`sqlite:${join(dir, "brink.db")}`, { sqliteThread: false });
    appends = 0;
    const append = store.appendEvents.bind(store);
    store.appendEvents = (events) => {
      appends++;
      return append(events);
    };
    now = T0;
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function started(options: Partial<EventLogOptions> = {}): Promise<EventLog> {
    const log = new EventLog(store, { now: () => now }, logger, new ServerMetrics(), {
      keep: 0,
      maxAgeMs: 0,
      flushMs: 10_000,
      ...options,
    });
    await log.start();
    return log;
  }

  it("numbers events, hands them to subscribers at once and lists them before they are written", async () => {
    const log = await started();
    const got: BrinkEvent[] = [];
    log.subscribe({ filter: { job: "even" }, send: (e) => got.push(e), end: () => undefined });
    for (let i = 0; i < 4; i++) log.emit(placed(i));
    expect(got.map((e) => e.id)).toStrictEqual([1, 3]);
    expect(await store.countEvents()).toBe(0);
    expect((await log.list({})).map((e) => e.id)).toStrictEqual([1, 2, 3, 4]);
    expect((await log.list({ since: 2, job: "even" })).map((e) => e.id)).toStrictEqual([3]);
    expect((await log.list({ limit: 2, newest: true })).map((e) => e.id)).toStrictEqual([3, 4]);
    await log.flush();
    expect(await store.countEvents()).toBe(4);
    expect((await log.list({})).map((e) => e.id)).toStrictEqual([1, 2, 3, 4]);
    await log.close();
  });

  it("writes a burst of events in a few transactions, and numbering continues after a restart", async () => {
    const log = await started();
    for (let i = 0; i < 5000; i++) log.emit(placed(i));
    await log.close();
    // In transactions of at most 1,000 events, yielding in between.
    expect(appends).toBe(5);
    expect(await store.countEvents()).toBe(5000);
    const again = await started();
    expect(again.emit(placed(0)).id).toBe(5001);
    await again.close();
  });

  it("merges the store and the queue exactly while a write is in flight", async () => {
    const log = await started();
    for (let i = 0; i < 100; i++) log.emit(placed(i));
    const writing = log.flush();
    for (let i = 0; i < 10; i++) log.emit(placed(i));
    const listed = await log.list({});
    await writing;
    expect(listed.map((e) => e.id)).toStrictEqual(Array.from({ length: 110 }, (_, i) => i + 1));
    await log.close();
  });

  it("keeps the newest N once enough new events arrive, not on every write", async () => {
    const log = await started({ keep: 2000 });
    for (let i = 0; i < 900; i++) log.emit(placed(i));
    await log.flush();
    for (let i = 0; i < 2000; i++) log.emit(placed(i));
    await log.flush();
    // 2,900 written; pruned after the second write (1,000 new since the last prune).
    expect(await store.countEvents()).toBe(2000);
    expect((await log.list({ limit: 1 }))[0]?.id).toBe(901);
    await log.close();
  });

  it("drops events older than the maximum age when retention runs", async () => {
    const log = await started({ maxAgeMs: 60_000 });
    log.emit(placed(1));
    now += 120_000;
    log.emit(placed(2));
    await log.close();
    now += 1000;
    const again = await started({ maxAgeMs: 60_000 });
    expect((await again.list({})).map((e) => e.id)).toStrictEqual([2]);
    await again.close();
  });

  it("ends subscribers on close and refuses new ones", async () => {
    const log = await started();
    let ended = 0;
    log.subscribe({ filter: {}, send: () => undefined, end: () => ended++ });
    await log.close();
    log.subscribe({ filter: {}, send: () => undefined, end: () => ended++ });
    expect(ended).toBe(2);
    expect(log.subscriberCount).toBe(0);
  });
});
