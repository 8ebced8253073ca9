import type { Job } from "../../src/model/index.js";
import { type Random, seededRandom } from "../../src/scheduler/random.js";
import { scheduleJob } from "../../src/scheduler/schedule.js";
import { buildSnapshot } from "../../src/scheduler/snapshot.js";
import { makeCluster } from "./cluster.js";
import { LiveSnapshot } from "./live-snapshot.js";
import { round, weightedQuantile } from "./stats.js";
import { jobSpec, makeJob, makeWorkload } from "./workload.js";

export interface RateResult {
  scenario: "throughput" | "small-jobs";
  nodes: number;
  placements: number;
  placementsPerSec: number;
  p99Micros: number;
  /** Filled in by the caller after a GC, with the scenario's state still referenced. */
  heapMB: number;
  /**
   * Extras: the rate over this process's CPU time (steadier than wall time on a shared machine),
   * instances that found no node, evaluations, time in the scheduler vs applying plans.
   */
  placementsPerCpuSec: number;
  unplaced: number;
  evals: number;
  scheduleMs: number;
  applyMs: number;
}

interface Run {
  placed: number;
  unplaced: number;
  scheduleNs: bigint;
  applyNs: bigint;
  cpuMicros: number;
  samples: Array<{ value: number; weight: number }>;
}

/**
 * One evaluation per job, in process on one core: `scheduleJob` on the live snapshot, then the
 * plan applied to it (placed allocations hold resources for the next evaluation, as in the
 * server's state).
 *
 * Latency: each evaluation is timed (schedule + apply) and each placement it made is charged the
 * evaluation's time divided by its placements. p99Micros is the 99th percentile of that
 * per-placement cost over all placements (an evaluation of 300 instances is 300 samples of
 * time/300); a whole evaluation takes about count × that.
 */
function placeAll(snapshot: LiveSnapshot, jobs: readonly Job[], prefix: string): Run {
  const run: Run = {
    placed: 0,
    unplaced: 0,
    scheduleNs: 0n,
    applyNs: 0n,
    cpuMicros: 0,
    samples: [],
  };
  const cpu = process.cpuUsage();
  let n = 0;
  const newId = () => `${prefix}-${++n}`;
  for (const job of jobs) {
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
    run.scheduleNs += t1 - t0;
    run.applyNs += t2 - t1;
    run.placed += got;
    run.unplaced += plan.place.length - got;
    run.samples.push({ value: Number(t2 - t0) / 1000 / Math.max(1, got), weight: got });
  }
  const used = process.cpuUsage(cpu);
  run.cpuMicros = used.user + used.system;
  return run;
}

function result(scenario: RateResult["scenario"], nodes: number, jobs: number, run: Run) {
  const seconds = Number(run.scheduleNs + run.applyNs) / 1e9;
  return {
    scenario,
    nodes,
    placements: run.placed,
    placementsPerSec: Math.round(run.placed / seconds),
    p99Micros: round(weightedQuantile(run.samples, 0.99)),
    heapMB: 0,
    placementsPerCpuSec: Math.round(run.placed / (run.cpuMicros / 1e6)),
    unplaced: run.unplaced,
    evals: jobs,
    scheduleMs: round(Number(run.scheduleNs) / 1e6),
    applyMs: round(Number(run.applyNs) / 1e6),
  } satisfies RateResult;
}

export interface FilledCluster {
  result: RateResult;
  snapshot: LiveSnapshot;
  random: Random;
}

/**
 * Places `placements` instances on a fresh `nodes`-node cluster: jobs of 50–500 instances in the
 * plain / constrained / affinity / spread / GPU mix. Jobs are built (and validated) before the
 * clock starts; only scheduling and applying plans are timed.
 */
export function runThroughput(nodes: number, placements: number, seed = 1): FilledCluster {
  const random = seededRandom(seed * 7919 + nodes);
  const cluster = makeCluster(nodes, random);
  const gpus = cluster.reduce((n, x) => n + (x.status === "ready" ? x.gpus.length : 0), 0);
  const workload = makeWorkload(placements, gpus, random);
  const snapshot = new LiveSnapshot(cluster);
  const run = placeAll(snapshot, workload.jobs, "alloc");
  return { result: result("throughput", nodes, workload.jobs.length, run), snapshot, random };
}

/**
 * Small jobs (1–10 instances, plain) on an already filled cluster: shows the fixed cost of one
 * evaluation, which large jobs amortise.
 */
export function runSmallJobs(filled: FilledCluster, jobs: number): RateResult {
  const list = Array.from({ length: jobs }, (_, i) =>
    makeJob(
      jobSpec("plain", `small-${i}`, 1 + Math.floor(filled.random() * 10), filled.random),
      "2026-01-01T00:00:00.000Z",
    ),
  );
  const run = placeAll(filled.snapshot, list, "small");
  return result("small-jobs", filled.snapshot.nodes.length, jobs, run);
}

export interface RebuildResult {
  scenario: "snapshot-rebuild";
  nodes: number;
  allocs: number;
  /** Mean time of one `buildSnapshot` over every node and allocation (what the server does per evaluation). */
  millis: number;
}

export function runSnapshotRebuild(filled: FilledCluster, repeats = 10): RebuildResult {
  const { nodes, allocs } = filled.snapshot;
  const list = [...allocs.values()];
  buildSnapshot(nodes, list);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < repeats; i++) buildSnapshot(nodes, list);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / repeats;
  return {
    scenario: "snapshot-rebuild",
    nodes: nodes.length,
    allocs: list.length,
    millis: round(ms, 2),
  };
}
