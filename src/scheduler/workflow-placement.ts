import {
  type Allocation,
  constraintHolds,
  type Job,
  type Node,
  type TaskSpec,
} from "../model/index.js";
import {
  type DagEdge,
  type DagNetwork,
  type DagProblem,
  DagProblemError,
  planDag,
} from "./dag/index.js";
import { type NetworkView, siteLink } from "./network.js";
import { seededRandom } from "./random.js";

/** A task without `runtime` is planned as if it ran this long on a speed-1 node. */
export const DEFAULT_RUNTIME_SEC = 60;
const INFEASIBLE = 1e9;
/** Local-search steps the live planner may take (a counting clock keeps it deterministic). */
const SEARCH_STEPS = 200;

export function isWorkflow(job: Job): boolean {
  return job.spec.tasks.some((t) => t.after.length > 0);
}

/** A node's relative speed: its `speed` label (e.g. `--label speed=2`), else 1. */
export function nodeSpeed(node: Node): number {
  const v = Number(node.labels.speed);
  return Number.isFinite(v) && v > 0 ? v : 1;
}

function runsOn(job: Job, task: TaskSpec, node: Node): boolean {
  if (node.status !== "ready" || !node.eligible || !node.drivers.includes(task.driver))
    return false;
  return [...job.spec.constraints, ...task.constraints].every((c) =>
    constraintHolds(c, node.labels),
  );
}

function bytesBetween(parent: TaskSpec, child: TaskSpec): number {
  return parent.outputs
    .filter((o) => child.inputs.includes(o.name))
    .reduce((s, o) => s + o.size, 0);
}

/**
 * The network as the planner sees it: nodes grouped by site, site-to-site latency and bandwidth
 * from the declared links (and the LAN default inside a site), plus the node-weighted mean
 * latency and seconds per byte that the priority rankings use.
 */
function siteNetwork(
  nodes: readonly Node[],
  view: NetworkView | undefined,
): { net: DagNetwork; meanLatency: number; meanSecPerByte: number } {
  const sites = [...new Set(nodes.map((n) => n.site))];
  const index = new Map(sites.map((s, i) => [s, i]));
  const weight = sites.map(() => 0);
  for (const n of nodes) weight[index.get(n.site) ?? 0]! += 1;
  const links = sites.map((a) => sites.map((b) => siteLink(view, a, b)));
  const latencySec = links.map((row) => row.map((l) => l.latencyMs / 1000));
  const bytesPerSec = links.map((row) => row.map((l) => (l.bandwidthMbps * 1e6) / 8));
  let meanLatency = 0;
  let meanSecPerByte = 0;
  const total = nodes.length * nodes.length;
  sites.forEach((_, g) => {
    sites.forEach((_, h) => {
      const w = ((weight[g] ?? 0) * (weight[h] ?? 0)) / total;
      meanLatency += w * (latencySec[g]?.[h] ?? 0);
      meanSecPerByte += w / (bytesPerSec[g]?.[h] ?? 1);
    });
  });
  return {
    net: { group: nodes.map((n) => index.get(n.site) ?? 0), latencySec, bytesPerSec },
    meanLatency,
    meanSecPerByte,
  };
}

interface Instance {
  task: TaskSpec;
  index: number;
}

function remainingInstances(job: Job, allocs: readonly Allocation[]): Instance[] {
  const done = new Set(
    allocs
      .filter((a) => a.status === "complete" && a.desiredStatus === "run")
      .map((a) => `${a.task}#${a.index}`),
  );
  return job.spec.tasks.flatMap((task) =>
    Array.from({ length: task.count }, (_, index) => ({ task, index })).filter(
      (i) => !done.has(`${i.task.name}#${i.index}`),
    ),
  );
}

function buildProblem(
  job: Job,
  instances: Instance[],
  nodes: readonly Node[],
  view: NetworkView | undefined,
): DagProblem {
  const maxCpu = Math.max(...job.spec.tasks.map((t) => t.resources.cpu));
  const { net, meanLatency, meanSecPerByte } = siteNetwork(nodes, view);
  const edges: DagEdge[] = [];
  instances.forEach((child, to) => {
    instances.forEach((parent, from) => {
      if (!child.task.after.includes(parent.task.name)) return;
      const bytes = bytesBetween(parent.task, child.task);
      edges.push({ from, to, bytes, comm: meanLatency + bytes * meanSecPerByte });
    });
  });
  return {
    tasks: instances.map((i) => `${i.task.name}#${i.index}`),
    nodes: nodes.map((n) => ({
      name: n.id,
      slots: Math.max(1, Math.min(8, Math.floor(n.resources.cpu / maxCpu))),
    })),
    cost: instances.map((i) =>
      nodes.map((n) =>
        runsOn(job, i.task, n)
          ? (i.task.runtime ?? DEFAULT_RUNTIME_SEC * 1000) / 1000 / nodeSpeed(n)
          : INFEASIBLE,
      ),
    ),
    edges,
    network: net,
  };
}

/**
 * Plans a workflow's remaining instances as a whole (the DAG planner: best of HEFT, PEFT and a
 * short local search) over the ready nodes, by node speed and transfer time, and returns the
 * preferred node per instance (`task#index` → node id). Transfers between tasks on different
 * nodes take the sites' declared latency and bandwidth (`network`; the LAN default inside a site,
 * a WAN default between sites with no declared path). The live scheduler scores the preferred node
 * higher; constraints and capacity still decide.
 */
export function planWorkflowPlacement(
  job: Job,
  allocs: readonly Allocation[],
  nodes: readonly Node[],
  seed: number,
  network?: NetworkView,
): Map<string, string> {
  const usable = nodes.filter((n) => n.status === "ready" && n.eligible);
  const instances = remainingInstances(job, allocs);
  const out = new Map<string, string>();
  if (usable.length === 0 || instances.length === 0 || instances.length > 2000) return out;
  let steps = 0;
  try {
    const plan = planDag(buildProblem(job, instances, usable, network), {
      algorithm: instances.length > 300 ? "heft" : "brink",
      budgetMs: SEARCH_STEPS,
      clock: { now: () => steps++ },
      random: seededRandom(seed),
    });
    for (const p of plan.schedule.placements) {
      const node = usable[p.node];
      const key = instances[p.task];
      if (node && key) out.set(`${key.task.name}#${key.index}`, node.id);
    }
  } catch (err) {
    if (!(err instanceof DagProblemError)) throw err;
  }
  return out;
}
