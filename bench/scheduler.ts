/**
 * Scheduler benchmark. Prints one JSON line per scenario with --json, a table otherwise:
 *   {"scenario":"throughput","nodes","placements","placementsPerSec","p99Micros","heapMB",...}
 *     — 50,000 placements through `scheduleJob` on 1,000 / 5,000 / 10,000 heterogeneous nodes,
 *       each plan applied to the live in-memory state before the next evaluation;
 *   {"scenario":"packing","policy","placements","cpuUtil","memUtil",...}
 *     — utilisation reached when filling a 500-node cluster with random task sizes until the
 *       first failure: Brink binpack (default) and spread against random, first-fit, worst-fit
 *       and best-fit loops.
 * Usage: npm run bench:scheduler -- [--json] [--nodes 1000,5000,10000] [--placements 50000]
 *        [--packing-nodes 500] [--trials 5] [--seed 1] [--only throughput|packing]
 * One process, one core; timings include applying each plan, not building jobs.
 */
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type PackingResult, runPacking } from "./scheduler/packing.js";
import { runThroughput, type ThroughputResult } from "./scheduler/throughput.js";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    nodes: { type: "string", default: "1000,5000,10000" },
    placements: { type: "string", default: "50000" },
    "packing-nodes": { type: "string", default: "500" },
    trials: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    only: { type: "string" },
  },
});
const seed = Number(values.seed);

// heapMB is read after a full GC with the scenario's cluster and allocations still referenced:
// the live heap the scheduler's state needs, not whatever garbage is pending.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function print(row: ThroughputResult | PackingResult): void {
  if (values.json) console.log(JSON.stringify(row));
  else if (row.scenario === "throughput")
    console.log(
      [
        `${row.nodes}`.padStart(6),
        `${row.placements}`.padStart(10),
        `${row.placementsPerSec}`.padStart(12),
        `${row.p99Micros}`.padStart(10),
        `${row.heapMB}`.padStart(8),
        `${row.unplaced}`.padStart(9),
        `${row.evals}`.padStart(6),
      ].join(" "),
    );
  else
    console.log(
      [
        row.policy.padEnd(14),
        `${row.placements}`.padStart(10),
        `${(row.cpuUtil * 100).toFixed(1)}%`.padStart(8),
        `${(row.memUtil * 100).toFixed(1)}%`.padStart(8),
        `${(row.util * 100).toFixed(1)}%`.padStart(8),
      ].join(" "),
    );
}

function throughput(): void {
  const placements = Number(values.placements);
  // Warm the JIT on a small cluster so the first measured scenario is not penalised.
  runThroughput(500, 5_000, seed + 1);
  if (!values.json) {
    console.log(`Throughput: ${placements} placements per cluster, one core`);
    console.log(" nodes placements placements/s  p99 (µs)  heap MB  unplaced  evals");
  }
  for (const nodes of values.nodes.split(",").map(Number)) {
    let run: ReturnType<typeof runThroughput> | undefined = runThroughput(nodes, placements, seed);
    gc();
    run.result.heapMB = Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
    print(run.result);
    run = undefined;
    gc();
  }
}

function packing(): void {
  const nodes = Number(values["packing-nodes"]);
  const trials = Number(values.trials);
  if (!values.json) {
    console.log(
      `\nPacking: ${nodes} nodes, fill until the first failure, mean of ${trials} trials`,
    );
    console.log("policy          placements  cpuUtil  memUtil     util");
  }
  for (const row of runPacking(nodes, trials, seed)) print(row);
}

if (values.only !== "packing") throughput();
if (values.only !== "throughput") packing();
