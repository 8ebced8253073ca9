import { seededRandom } from "../../src/scheduler/random.js";
import { scheduleJob } from "../../src/scheduler/schedule.js";
import { makeCluster } from "./cluster.js";
import { LiveSnapshot } from "./live-snapshot.js";
import { heapMB, round, weightedQuantile } from "./stats.js";
import { makeWorkload, type Workload } from "./workload.js";

export interface ThroughputResult {
  scenario: "throughput";
  nodes: number;
  placements: number;
  placementsPerSec: number;
  p99Micros: number;
  heapMB: number;
  /** Extra: instances that found no node, evaluations run, scheduler vs apply time. */
  unplaced: number;
  evals: number;
  scheduleMs: number;
  applyMs: number;
}

export interface ThroughputRun {
  result: ThroughputResult;
  workload: Workload;
  snapshot: LiveSnapshot;
}

/**
 * Places `placements` instances on a fresh `nodes`-node cluster, one job per evaluation, in
 * process on one core: `scheduleJob` on the live snapshot, then the plan applied to it (placed
 * allocations hold resources for the next evaluation, as the server's state does).
 *
 * Latency: each evaluation is timed (schedule + apply); each placement it made is charged the
 * evaluation's time divided by its placements. p99Micros is the 99th percentile of that
 * per-placement cost over all placements (an evaluation of 300 instances contributes 300
 * samples), which is what a submitter waits per instance; a whole evaluation takes
 * ~count × that.
 */
export function runThroughput(nodes: number, placements: number, seed = 1): ThroughputRun {
  const random = seededRandom(seed * 7919 + nodes);
  const cluster = makeCluster(nodes, random);
  const gpus = cluster.reduce((n, x) => n + (x.status === "ready" ? x.gpus.length : 0), 0);
  const workload = makeWorkload(placements, gpus, random);
  const snapshot = new LiveSnapshot(cluster);
  const samples: Array<{ value: number; weight: number }> = [];
  let placed = 0;
  let unplaced = 0;
  let scheduleNs = 0n;
  let applyNs = 0n;
  let n = 0;
  const newId = () => `alloc-${++n}`;
  for (const job of workload.jobs) {
    const t0 = process.hrtime.bigint();
    const plan = scheduleJob({
      job,
      allocs: snapshot.ofJob(job.id),
      snapshot,
      evalId: `eval-${job.name}`,
      now: "2026-01-01T00:00:00.000Z",
      newId,
    });
    const t1 = process.hrtime.bigint();
    const got = snapshot.apply(plan);
    const t2 = process.hrtime.bigint();
    scheduleNs += t1 - t0;
    applyNs += t2 - t1;
    placed += got;
    unplaced += plan.place.length - got;
    samples.push({ value: Number(t2 - t0) / 1000 / Math.max(1, got), weight: got });
  }
  const seconds = Number(scheduleNs + applyNs) / 1e9;
  const result: ThroughputResult = {
    scenario: "throughput",
    nodes,
    placements: placed,
    placementsPerSec: Math.round(placed / seconds),
    p99Micros: round(weightedQuantile(samples, 0.99)),
    heapMB: heapMB(),
    unplaced,
    evals: workload.jobs.length,
    scheduleMs: round(Number(scheduleNs) / 1e6),
    applyMs: round(Number(applyNs) / 1e6),
  };
  return { result, workload, snapshot };
}
