import { type Cluster, planDag, type Workflow, workflowProblem } from "../scheduler/dag/index.js";
import { seededRandom } from "../scheduler/random.js";
import type { SimCluster } from "./cluster.js";
import type { WorkflowRun } from "./task.js";

/** Local-search steps the planner may take (a counting clock: deterministic, like the live scheduler's). */
export const PLAN_STEPS = 200;
/** At most this many nodes are offered to the planner per workflow (the least loaded). */
export const PLAN_NODES = 64;

/** Options of the whole-workflow plan: brink's search for small workflows, HEFT for large ones. */
export function workflowPlanOptions(tasks: number, seed: number) {
  let steps = 0;
  return {
    algorithm: tasks > 300 ? ("heft" as const) : ("brink" as const),
    budgetMs: PLAN_STEPS,
    clock: { now: () => steps++ },
    random: seededRandom(seed),
  };
}

/** The runtime structures of one workflow instance. */
export function workflowRun(id: number, wl: number, arrival: number, wf: Workflow): WorkflowRun {
  const n = wf.tasks.length;
  const parents: number[][] = Array.from({ length: n }, () => []);
  const children: number[][] = Array.from({ length: n }, () => []);
  const bytes = new Map<number, number>();
  for (const e of wf.edges) {
    parents[e.to]?.push(e.from);
    children[e.from]?.push(e.to);
    bytes.set(e.from * n + e.to, (bytes.get(e.from * n + e.to) ?? 0) + e.bytes);
  }
  return {
    id,
    wl,
    arrival,
    tasks: [],
    parents,
    children,
    bytes,
    ranOn: new Int32Array(n).fill(-1),
    finishedAt: new Float64Array(n),
    remainingParents: Int32Array.from(parents, (p) => p.length),
    slotPrev: new Int32Array(n).fill(-1),
    slotNext: new Int32Array(n).fill(-1),
    remaining: n,
    finishedTime: Number.NaN,
  };
}

/**
 * The planner's cluster for a set of simulator nodes: their speeds and slots on the uniform
 * intra-site network (the planner's model has one network; MB = 10^6 bytes = 8 Mbit).
 */
export function plannerCluster(sim: SimCluster, nodes: readonly number[]): Cluster {
  return {
    nodes: nodes.map((i) => {
      const n = sim.nodes[i];
      return { name: n?.name ?? String(i), speed: n?.speed ?? 1, slots: n?.slots ?? 1 };
    }),
    network: { bandwidthMBps: sim.intra.bandwidthMbps / 8, latencyMs: sim.intra.latencyMs },
  };
}

/**
 * Plans a workflow instance as a whole with the DAG planner of `src/scheduler/dag` (the planner
 * `brink workflow plan` and the live scheduler use) over the ready nodes, least loaded first.
 * Returns the node per task and fills the run's slot order (each planned slot runs its tasks in
 * the planned order, as the plan's timeline assumes).
 */
export function planWorkflowRun(
  run: WorkflowRun,
  wf: Workflow,
  sim: SimCluster,
  seed: number,
): number[] {
  const ready = sim.nodes
    .filter((n) => n.node.status === "ready")
    .sort((a, b) => a.held / a.slots - b.held / b.slots || b.speed - a.speed || a.idx - b.idx)
    .slice(0, PLAN_NODES)
    .map((n) => n.idx)
    .sort((a, b) => a - b);
  if (ready.length === 0) return wf.tasks.map(() => -1);
  const problem = workflowProblem(wf, plannerCluster(sim, ready));
  const plan = planDag(problem, workflowPlanOptions(wf.tasks.length, seed));
  const bySlot = new Map<string, { task: number; start: number }[]>();
  for (const p of plan.schedule.placements) {
    const key = `${p.node}/${p.slot}`;
    const list = bySlot.get(key) ?? [];
    list.push({ task: p.task, start: p.start });
    bySlot.set(key, list);
  }
  for (const list of bySlot.values()) {
    list.sort((a, b) => a.start - b.start || a.task - b.task);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]?.task as number;
      const cur = list[i]?.task as number;
      run.slotPrev[cur] = prev;
      run.slotNext[prev] = cur;
    }
  }
  return plan.schedule.placements
    .slice()
    .sort((a, b) => a.task - b.task)
    .map((p) => ready[p.node] ?? -1);
}
