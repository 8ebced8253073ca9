/**
 * Scheduler benchmark; JSON lines with --json, readable tables otherwise.
 *   {"scenario":"throughput","nodes","placements","placementsPerSec","p99Micros","heapMB",...}
 *     50,000 placements through `scheduleJob` on 1,000 / 5,000 / 10,000 heterogeneous nodes
 *     (jobs of 50–500 instances: plain, constrained, affinity, spread over brink/site, GPU), each
 *     plan applied to the live in-memory state before the next evaluation.
 *   {"scenario":"small-jobs",...}      then jobs of 1–10 instances on that filled cluster (the
 *                                       fixed cost of one evaluation).
 *   {"scenario":"snapshot-rebuild","nodes","allocs","millis"}
 *                                       one `buildSnapshot` over the filled cluster, which the
 *                                       server currently runs per evaluation (not in the rates).
 *   {"scenario":"packing","policy","placements","cpuUtil","memUtil","util",...}
 *     utilisation when filling 500 heterogeneous nodes with random task sizes until the first
 *     failure: Brink binpack (default) and spread vs random, first-fit, worst-fit, best-fit.
 * Usage: npm run bench:scheduler -- [--json] [--nodes 1000,5000,10000] [--placements 50000]
 *        [--small-jobs 1000] [--packing-nodes 500] [--trials 5] [--seed 1]
 *        [--only throughput|packing]
 * One process, one core. Rates count scheduling and applying plans, not building the jobs.
 */
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type PackingResult, runPacking } from "./scheduler/packing.js";
import { heapMB } from "./scheduler/stats.js";
import {
  type FilledCluster,
  type RateResult,
  type RebuildResult,
  runSmallJobs,
  runSnapshotRebuild,
  runThroughput,
} from "./scheduler/throughput.js";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    nodes: { type: "string", default: "1000,5000,10000" },
    placements: { type: "string", default: "50000" },
    "small-jobs": { type: "string", default: "1000" },
    "packing-nodes": { type: "string", default: "500" },
    trials: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    only: { type: "string" },
  },
});
const seed = Number(values.seed);

// heapMB is read after a full GC with the scenario's cluster and allocations still referenced:
// the live heap the state and the scheduler need, not garbage waiting to be collected.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const liveHeap = () => {
  gc();
  return heapMB();
};

type Row = RateResult | RebuildResult | PackingResult;
const rows: Row[] = [];
function emit(row: Row): void {
  if (values.json) console.log(JSON.stringify(row));
  else rows.push(row);
}

function throughput(): void {
  const placements = Number(values.placements);
  // Warm the JIT on a small cluster so the first measured scenario is not penalised.
  runSmallJobs(runThroughput(500, 5_000, seed + 1), 200);
  for (const nodes of values.nodes.split(",").map(Number)) {
    let filled: FilledCluster | undefined = runThroughput(nodes, placements, seed);
    filled.result.heapMB = liveHeap();
    emit(filled.result);
    const small = runSmallJobs(filled, Number(values["small-jobs"]));
    small.heapMB = liveHeap();
    emit(small);
    emit(runSnapshotRebuild(filled));
    filled = undefined;
    gc();
  }
}

function packing(): void {
  for (const row of runPacking(Number(values["packing-nodes"]), Number(values.trials), seed))
    emit(row);
}

const cell = (v: unknown, w: number) => String(v).padStart(w);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function printTables(): void {
  const rates = rows.filter(
    (r): r is RateResult => r.scenario !== "snapshot-rebuild" && r.scenario !== "packing",
  );
  if (rates.length > 0) {
    console.log(
      "scenario      nodes  placements  placements/s  p99 µs/placement  heap MB  unplaced  evals",
    );
    for (const r of rates)
      console.log(
        r.scenario.padEnd(11) +
          [
            cell(r.nodes, 7),
            cell(r.placements, 11),
            cell(r.placementsPerSec, 13),
            cell(r.p99Micros, 17),
            cell(r.heapMB, 8),
            cell(r.unplaced, 9),
            cell(r.evals, 6),
          ].join(" "),
      );
  }
  const rebuilds = rows.filter((r): r is RebuildResult => r.scenario === "snapshot-rebuild");
  if (rebuilds.length > 0) {
    console.log("\nbuildSnapshot (per evaluation in the server today)");
    for (const r of rebuilds)
      console.log(`${cell(r.nodes, 7)} nodes ${cell(r.allocs, 7)} allocs ${cell(r.millis, 8)} ms`);
  }
  const packs = rows.filter((r): r is PackingResult => r.scenario === "packing");
  if (packs.length > 0) {
    const first = packs[0] as PackingResult;
    console.log(
      `\npacking: ${first.nodes} nodes, random sizes until the first failure, mean of ${first.trials} trials`,
    );
    console.log("policy          placements  cpuUtil  memUtil     util");
    for (const r of packs)
      console.log(
        r.policy.padEnd(14) +
          [
            cell(r.placements, 11),
            cell(pct(r.cpuUtil), 8),
            cell(pct(r.memUtil), 8),
            cell(pct(r.util), 8),
          ].join(" "),
      );
  }
}

if (values.only !== "packing") throughput();
if (values.only !== "throughput") packing();
if (!values.json) printTables();
