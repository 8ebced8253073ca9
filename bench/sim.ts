/**
 * Simulator benchmark; JSON lines with --json, a table otherwise.
 *   {"scenario":"tasks-10k","nodes","tasks","wallSec","tasksPerSec","heapMB","policy","events",...}
 *     10,000 nodes (20 edge sites of 495 nodes + a cloud site of 100), 1,000,000 requests
 *     (Poisson, 50/s per edge site over 1,000 s, exponential work of mean 8 s, 100 kB in, 2 kB out,
 *     500 ms deadline), two node crashes and a site partition; placed by the real scheduler
 *     (`brink` policy) unless --policies says otherwise.
 *   {"scenario":"workflows-1k",...}
 *     1,000 nodes (10 sites of 100), 100 workflows of 1,000 tasks each (a seeded layered DAG:
 *     20 layers of 50 tasks, 1–3 parents in the layer above, 10–120 s, 1–50 MB per edge), one
 *     every 30 s; each planned whole by the DAG planner (HEFT at this size) under `brink`.
 * heapMB is the peak heap seen during the run (sampled at progress callbacks and at the end);
 * cpuSec the process's CPU time during the run (wall time suffers when other work shares the cores).
 * Usage: npm run bench:sim -- [--json] [--policies brink,least_loaded] [--tasks 1000000]
 *        [--only tasks|workflows]
 * One process, one core; the scenario is built in memory (not timed), then simulated (timed).
 * The npm script runs Node with --max-semi-space-size=128: a million tasks in flight over time
 * keep ~10,000 alive at once, and a larger young generation stops them being copied and promoted
 * by every scavenge (measured when it was added: 63 → 48 CPU-seconds, peak heap 723 → 363 MB).
 */
import { parseArgs } from "node:util";
import type { Workflow } from "../src/scheduler/dag/index.js";
import { seededRandom } from "../src/scheduler/random.js";
import {
  POLICIES,
  type PolicyName,
  parseScenario,
  type Scenario,
  simulate,
} from "../src/sim/index.js";
import { positive } from "./cli-args.js";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    policies: { type: "string", default: "brink" },
    tasks: { type: "string", default: "1000000" },
    only: { type: "string" },
  },
});
const policies = (values.policies ?? "brink").split(",") as PolicyName[];
for (const p of policies)
  if (!(POLICIES as readonly string[]).includes(p)) {
    console.error(`--policies: unknown policy "${p}"; known: ${POLICIES.join(", ")}`);
    process.exit(2);
  }
const targetTasks = positive("tasks", values.tasks ?? "1000000");

function check(doc: unknown): Scenario {
  const parsed = parseScenario(doc);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

/** 10,000 nodes, ~`tasks` requests over 1,000 s from 20 edge sites. */
function tasksScenario(tasks: number): Scenario {
  const edges = 20;
  const duration = 1000;
  const sites = Array.from({ length: edges }, (_, i) => ({
    name: `edge-${i}`,
    nodes: [
      {
        name: `e${i}`,
        count: 495,
        cpu: 4000,
        memory: 8192,
        speed: 1,
        slots: 4,
        power: { idleW: 6, busyW: 15 },
        labels: { tier: "edge" },
      },
    ],
  }));
  sites.push({
    name: "cloud",
    nodes: [
      {
        name: "c",
        count: 100,
        cpu: 32000,
        memory: 131072,
        speed: 4,
        slots: 32,
        power: { idleW: 100, busyW: 250 },
        labels: { tier: "cloud" },
      },
    ],
  });
  return check({
    seed: 1,
    duration,
    cluster: {
      sites,
      links: Array.from({ length: edges }, (_, i) => ({
        from: `edge-${i}`,
        to: "cloud",
        latencyMs: 40,
        bandwidthMbps: 1000,
      })),
      intraSite: { latencyMs: 1, bandwidthMbps: 1000 },
    },
    workloads: Array.from({ length: edges }, (_, i) => ({
      name: `sensors-${i}`,
      arrivals: { type: "poisson", ratePerSec: tasks / duration / edges },
      origin: `site:edge-${i}`,
      task: {
        work: { dist: "exponential", mean: 8 },
        cpu: 500,
        memory: 256,
        inputBytes: 100_000,
        outputBytes: 2_000,
        deadlineMs: 500,
      },
    })),
    failures: [
      { at: 300, node: "e3-7", kind: "crash", recoverAfter: 120 },
      { at: 500, node: "c-1", kind: "crash", recoverAfter: 60 },
      { at: 700, site: "edge-5", kind: "partition", duration: 30 },
    ],
    policies,
  });
}

/** A seeded layered DAG: `layers` × `width` tasks, each with 1–3 parents in the layer above. */
function layeredWorkflow(layers: number, width: number, seed: number): Workflow {
  const random = seededRandom(seed);
  const tasks = Array.from({ length: layers * width }, (_, i) => ({
    id: `t${i}`,
    name: `t${i}`,
    runtime: 10 + Math.floor(random() * 110),
  }));
  const edges: { from: number; to: number; bytes: number }[] = [];
  for (let l = 1; l < layers; l++)
    for (let k = 0; k < width; k++) {
      const to = l * width + k;
      const parents = new Set<number>();
      const count = 1 + Math.floor(random() * 3);
      while (parents.size < count) parents.add((l - 1) * width + Math.floor(random() * width));
      for (const from of parents)
        edges.push({ from, to, bytes: 1_000_000 + Math.floor(random() * 49_000_000) });
    }
  return { name: "layered-1000", tasks, edges };
}

function workflowsScenario(): Scenario {
  return check({
    seed: 1,
    duration: 3000,
    cluster: {
      sites: Array.from({ length: 10 }, (_, i) => ({
        name: `site-${i}`,
        nodes: [
          { name: `n${i}`, count: 100, cpu: 8000, memory: 16384, speed: 1 + (i % 4), slots: 4 },
        ],
      })),
      links: Array.from({ length: 9 }, (_, i) => ({
        from: `site-${i + 1}`,
        to: "site-0",
        latencyMs: 10,
        bandwidthMbps: 10_000,
      })),
      intraSite: { latencyMs: 1, bandwidthMbps: 10_000 },
    },
    workloads: [{ name: "pipelines", workflow: { wfformat: "layered-1000", everySec: 30 } }],
    policies,
  });
}

interface Row {
  scenario: string;
  policy: PolicyName;
  nodes: number;
  tasks: number;
  wallSec: number;
  tasksPerSec: number;
  /** CPU time of the process during the run (user + system; GC threads included): less noisy than wall time on a shared machine. */
  cpuSec: number;
  heapMB: number;
  events: number;
  completed: number;
  meanLatency: number;
  utilization: number;
  meanMakespan?: number;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function measure(
  name: string,
  sc: Scenario,
  workflows: Map<string, Workflow>,
  policy: PolicyName,
): Row {
  let peak = 0;
  const heap = () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  globalThis.gc?.();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const d = simulate(sc, { workflows, traces: new Map() }, { policy, onProgress: heap });
  const wallSec = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  heap();
  const nodes = sc.cluster.sites.reduce(
    (s, site) => s + site.nodes.reduce((t, g) => t + g.count, 0),
    0,
  );
  const m = d.result.workflowMakespans;
  return {
    scenario: name,
    policy,
    nodes,
    tasks: d.result.tasks,
    wallSec: round(wallSec, 2),
    tasksPerSec: Math.round(d.result.tasks / wallSec),
    cpuSec: round((cpu.user + cpu.system) / 1e6, 2),
    heapMB: round(peak / 2 ** 20),
    events: d.events,
    completed: d.result.completed,
    meanLatency: d.result.meanLatency,
    utilization: d.result.utilization,
    ...(m.length > 0 ? { meanMakespan: round(m.reduce((a, b) => a + b, 0) / m.length, 1) } : {}),
  };
}

const rows: Row[] = [];
const emit = (r: Row) => {
  rows.push(r);
  if (values.json) console.log(JSON.stringify(r));
};
if (values.only !== "workflows") {
  const sc = tasksScenario(targetTasks);
  for (const p of policies) emit(measure("tasks-10k", sc, new Map(), p));
}
if (values.only !== "tasks") {
  const sc = workflowsScenario();
  const wf = new Map([["layered-1000", layeredWorkflow(20, 50, 7)]]);
  for (const p of policies) emit(measure("workflows-1k", sc, wf, p));
}
if (!values.json) console.table(rows);
