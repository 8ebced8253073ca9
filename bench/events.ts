/**
 * What the event log costs the control plane's hot path, in process (one core, SQLite file store).
 * One JSON line per scenario and mode:
 *   {"scenario":"place-and-run","mode":"off"|"on"|"on+streams","nodes","allocs",
 *    "placeMs","reportsMs","events","storedEvents"}
 *     — a real `ControlPlane` with --nodes joined and ready nodes: one batch job of --allocs
 *       instances is evaluated and committed (placeMs: submit → every allocation on a node), then
 *       every allocation's `running` report is applied: appliedMs (through the control plane's
 *       mutex, in memory), reportsStoredMs (plus the batched store write of the reports) and
 *       reportsMs (plus writing the events they caused). `off` detaches the event
 *       observer (no event is derived or emitted), `on` is the server as shipped, `on+streams`
 *       adds --streams live subscribers that receive every event as JSON;
 *   {"scenario":"emit","events","emitUsPerEvent","writeUsPerEvent"} — EventLog.emit alone, and
 *     the batched store write, per event (bursts of 10,000);
 *   {"scenario":"prune","stored","kept","ms"} — retention deleting down to the newest --keep;
 *   {"scenario":"list","stored","ms"} — one filtered page (a job's last 100) out of all stored.
 * Usage: npx tsx bench/events.ts [--nodes 10000] [--allocs 10000] [--streams 10] [--keep 100000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { hollowFingerprint } from "../src/agent/hollow/profiles.js";
import { type NewEvent, systemClock, validateJobSpec } from "../src/model/index.js";
import { serverConfig } from "../src/server/config.js";
import { ControlPlane } from "../src/server/control-plane.js";
import { EventLog } from "../src/server/events.js";
import { ServerMetrics } from "../src/server/metrics.js";
import { openStore, type Store } from "../src/store/index.js";
import { positive } from "./cli-args.js";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "10000" },
    allocs: { type: "string", default: "10000" },
    streams: { type: "string", default: "10" },
    keep: { type: "string", default: "100000" },
  },
});
const NODES = positive("nodes", values.nodes);
const ALLOCS = positive("allocs", values.allocs);
const STREAMS = positive("streams", values.streams);
const KEEP = positive("keep", values.keep);
const logger = pino({ level: "silent" });
const dir = mkdtempSync(join(tmpdir(), "brink-bench-events-"));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await sleep(5);
}

let run = 0;

async function placeAndRun(mode: "off" | "on" | "on+streams"): Promise<void> {
  const store = await openStore(`sqlite:${join(dir, `cp-${++run}.db`)}`);
  const metrics = new ServerMetrics();
  // Nodes here have no sessions and send no heartbeats: keep the monitor from suspecting them.
  const config = serverConfig({ dataDir: dir, heartbeatGraceMs: 3_600_000, phiThreshold: 1e9 });
  const cp = new ControlPlane({ store, config, logger, metrics, clock: systemClock });
  await cp.start();
  if (mode === "off") (cp as unknown as { state: { observer: unknown } }).state.observer = null;
  let received = 0;
  if (mode === "on+streams") {
    for (let i = 0; i < STREAMS; i++) {
      cp.events.subscribe({
        filter: {},
        send: (_e, json) => {
          received += json.length;
        },
        end: () => undefined,
      });
    }
  }
  for (let i = 0; i < NODES; i++) {
    const name = `n-${i}`;
    const { node } = await cp.joinNode({
      name,
      site: `site-${i % 20}`,
      labels: {},
      fingerprint: hollowFingerprint("small", i, name),
    });
    await cp.hello(node.id, hollowFingerprint("small", i, name), [], undefined, "127.0.0.1");
  }
  const spec = validateJobSpec({
    name: "bench",
    type: "batch",
    tasks: [
      {
        name: "t",
        count: ALLOCS,
        driver: "exec",
        config: { command: "true" },
        resources: { cpu: 10, memory: 8 },
      },
    ],
  });
  const t0 = performance.now();
  await cp.submitJob(spec);
  await until(() => {
    const allocs = cp.jobAllocations("bench");
    return allocs.length === ALLOCS && allocs.every((a) => a.nodeId !== null);
  });
  const placeMs = performance.now() - t0;
  const allocs = cp.jobAllocations("bench");
  const t1 = performance.now();
  await Promise.all(
    allocs.map((a) => cp.allocReports(a.nodeId as string, [{ allocId: a.id, status: "running" }])),
  );
  const appliedMs = performance.now() - t1;
  // The batched write of the reports (and of their events) lands within the next flush.
  await until(() => (cp as unknown as { dirtyAllocs: Set<string> }).dirtyAllocs.size === 0);
  const reportsStoredMs = performance.now() - t1;
  await cp.events.flush();
  const reportsMs = performance.now() - t1;
  const events = cp.events.lastId;
  await cp.close();
  const storedEvents = await store.countEvents();
  await store.close();
  console.log(
    JSON.stringify({
      scenario: "place-and-run",
      mode,
      nodes: NODES,
      allocs: ALLOCS,
      placeMs: Math.round(placeMs),
      appliedMs: Math.round(appliedMs),
      reportsStoredMs: Math.round(reportsStoredMs),
      reportsMs: Math.round(reportsMs),
      events,
      storedEvents,
      ...(mode === "on+streams"
        ? { streams: STREAMS, streamedMb: +(received / 1e6).toFixed(1) }
        : {}),
    }),
  );
}

const sample = (i: number): NewEvent => ({
  type: "alloc.running",
  severity: "info",
  alloc: `alloc-${i}`,
  job: `job-${i % 100}`,
  jobName: `job-${i % 100}`,
  node: `node-${i % NODES}`,
  nodeName: `n-${i % NODES}`,
  message: `job-${i % 100}.t[${i}] running on n-${i % NODES}`,
  details: { task: "t", index: i, status: "running" },
});

async function logScenarios(): Promise<void> {
  const store: Store = await openStore(`sqlite:${join(dir, "log.db")}`);
  const log = new EventLog(store, systemClock, logger, new ServerMetrics(), {
    keep: 0,
    maxAgeMs: 0,
    flushMs: 3_600_000,
  });
  await log.start();
  const n = KEEP * 2;
  let emitMs = 0;
  let flushMs = 0;
  // Bursts of 10,000 (a big plan), each written before the next, as the 50 ms flush would.
  for (let start = 0; start < n; start += 10_000) {
    const t0 = performance.now();
    for (let i = start; i < Math.min(n, start + 10_000); i++) log.emit(sample(i));
    emitMs += performance.now() - t0;
    const t1 = performance.now();
    await log.flush();
    flushMs += performance.now() - t1;
  }
  console.log(
    JSON.stringify({
      scenario: "emit",
      events: n,
      emitUsPerEvent: +((emitMs * 1000) / n).toFixed(2),
      writeUsPerEvent: +((flushMs * 1000) / n).toFixed(2),
    }),
  );
  const t2 = performance.now();
  await log.list({ job: "job-7", limit: 100, newest: true });
  console.log(
    JSON.stringify({ scenario: "list", stored: n, ms: +(performance.now() - t2).toFixed(1) }),
  );
  const t3 = performance.now();
  await store.pruneEvents({ keep: KEEP });
  const pruneMs = performance.now() - t3;
  console.log(
    JSON.stringify({
      scenario: "prune",
      stored: n,
      kept: await store.countEvents(),
      ms: Math.round(pruneMs),
    }),
  );
  await log.close();
  await store.close();
}

try {
  // Twice each, interleaved, so a busy machine shows as spread rather than as a difference.
  for (const mode of ["off", "on", "on+streams", "off", "on", "on+streams"] as const)
    await placeAndRun(mode);
  await logScenarios();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
