import {
  type Allocation,
  constraintHolds,
  type Job,
  type Node,
  type TaskSpec,
} from "../model/index.js";
import { type DagEdge, type DagProblem, DagProblemError, planDag } from "./dag/index.js";
import { seededRandom } from "./random.js";

/** Assumed network between nodes until measured topology is known: 1 Gbit/s, 1 ms. */
export const DEFAULT_NETWORK = { bandwidthBytesPerSec: 125e6, latencySec: 0.001 };
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

function transferSec(parent: TaskSpec, child: TaskSpec): number {
  const bytes = parent.outputs
    .filter((o) => child.inputs.includes(o.name))
    .reduce((s, o) => s + o.size, 0);
  return DEFAULT_NETWORK.latencySec + bytes / DEFAULT_NETWORK.bandwidthBytesPerSec;
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

function buildProblem(job: Job, instances: Instance[], nodes: readonly Node[]): DagProblem {
  const maxCpu = Math.max(...job.spec.tasks.map((t) => t.resources.cpu));
  const edges: DagEdge[] = [];
  instances.forEach((child, to) => {
    instances.forEach((parent, from) => {
      if (child.task.after.includes(parent.task.name))
        edges.push({ from, to, comm: transferSec(parent.task, child.task) });
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
  };
}

/**
 * Plans a workflow's remaining instances as a whole (the DAG planner: best of HEFT, PEFT and a
 * short local search) over the ready nodes, by node speed and transfer time, and returns the
 * preferred node per instance (`task#index` → node id). The live scheduler scores the preferred
 * node higher; constraints and capacity still decide.
 */
export function planWorkflowPlacement(
  job: Job,
  allocs: readonly Allocation[],
  nodes: readonly Node[],
  seed: number,
): Map<string, string> {
  const usable = nodes.filter((n) => n.status === "ready" && n.eligible);
  const instances = remainingInstances(job, allocs);
  const out = new Map<string, string>();
  if (usable.length === 0 || instances.length === 0 || instances.length > 2000) return out;
  let steps = 0;
  try {
    const plan = planDag(buildProblem(job, instances, usable), {
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
