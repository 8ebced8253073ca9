import {
  type Allocation,
  deriveJobStatus,
  type Job,
  type Node,
  type TaskSpec,
} from "../model/index.js";
import { PlacementState } from "./placement-state.js";
import type { Plan } from "./plan.js";
import type { FeasibilityPlugin, ScorePlugin } from "./plugin.js";
import { seededRandom, seedFrom, shuffled } from "./random.js";
import { FEASIBILITY, RANKERS } from "./registry.js";
import { type ClassCache, selectNode } from "./select.js";
import type { Snapshot } from "./snapshot.js";
import { sameTask, taskContext, taskResources } from "./task-context.js";

export interface ScheduleInput {
  job: Job;
  /** Every allocation of this job (any status). */
  allocs: readonly Allocation[];
  snapshot: Snapshot;
  evalId: string;
  /** ISO timestamp used for created/updated fields. */
  now: string;
  newId: () => string;
  feasibility?: readonly FeasibilityPlugin[];
  rankers?: readonly ScorePlugin[];
}

/** Live = wanted and not finished: pending (placed or not) or running. */
function isLive(a: Allocation): boolean {
  return a.desiredStatus === "run" && (a.status === "pending" || a.status === "running");
}

/** A batch instance that finished with this task spec needs no new run. */
function isDone(a: Allocation, task: TaskSpec): boolean {
  return (
    a.desiredStatus === "run" &&
    (a.status === "complete" || a.status === "failed") &&
    sameTask(a.taskSpec, task)
  );
}

/** Builds plans for one job; one instance per evaluation. */
class Scheduler {
  readonly plan: Plan;
  private readonly state: PlacementState;
  private readonly candidates: Node[];
  private readonly nodesById: Map<string, Node>;
  private readonly feasibility: readonly FeasibilityPlugin[];
  private readonly rankers: readonly ScorePlugin[];

  constructor(private readonly input: ScheduleInput) {
    this.plan = {
      jobId: input.job.id,
      evalId: input.evalId,
      place: [],
      update: [],
      stop: [],
      unplaced: {},
      jobStatus: input.job.status,
    };
    this.state = new PlacementState(input.snapshot);
    this.candidates = shuffled(input.snapshot.nodes, seededRandom(seedFrom(input.evalId)));
    this.nodesById = new Map(input.snapshot.nodes.map((n) => [n.id, n]));
    this.feasibility = input.feasibility ?? FEASIBILITY;
    this.rankers = input.rankers ?? RANKERS;
  }

  run(): Plan {
    const { job, allocs } = this.input;
    if (job.stopped) {
      for (const a of allocs) if (isLive(a)) this.stop(a, "job stopped");
    } else {
      const tasks = new Set(job.spec.tasks.map((t) => t.name));
      for (const a of allocs) if (isLive(a) && !tasks.has(a.task)) this.stop(a, "task removed");
      for (const task of job.spec.tasks) {
        const mine = allocs.filter((a) => a.task === task.name);
        if (job.type === "system") this.reconcileSystem(task, mine);
        else this.reconcileCount(task, mine);
      }
    }
    this.plan.jobStatus = deriveJobStatus(job, this.resultingAllocs());
    return this.plan;
  }

  private resultingAllocs(): Allocation[] {
    const changed = new Map<string, Allocation>();
    for (const a of [...this.plan.place, ...this.plan.update, ...this.plan.stop])
      changed.set(a.id, a);
    const out = this.input.allocs.map((a) => changed.get(a.id) ?? a);
    for (const a of this.plan.place) if (!this.input.allocs.some((x) => x.id === a.id)) out.push(a);
    return out;
  }

  /** Service and batch tasks: keep `count` instances, indexed 0..count-1. */
  private reconcileCount(task: TaskSpec, mine: Allocation[]): void {
    const covered = new Set<number>();
    for (const a of mine)
      if (this.input.job.type === "batch" && isDone(a, task)) covered.add(a.index);
    for (const a of mine.filter(isLive).sort((x, y) => x.index - y.index)) {
      if (a.index >= task.count) this.stop(a, "task count reduced");
      else if (covered.has(a.index)) this.stop(a, "duplicate instance");
      else if (!sameTask(a.taskSpec, task)) this.stop(a, "task updated");
      else {
        covered.add(a.index);
        if (a.nodeId === null) this.placeExisting(a, task);
        else if (a.jobVersion !== this.input.job.version) this.updateVersion(a, task);
      }
    }
    const cache: ClassCache = new Map();
    for (let i = 0; i < task.count; i++) {
      if (!covered.has(i)) this.placeNew(task, i, this.candidates, cache);
    }
  }

  /** System tasks: one instance on every node that passes the task's checks. */
  private reconcileSystem(task: TaskSpec, mine: Allocation[]): void {
    const cache: ClassCache = new Map();
    const onNode = new Map<string, Allocation>();
    for (const a of mine.filter(isLive)) {
      const node = a.nodeId === null ? undefined : this.nodesById.get(a.nodeId);
      if (!node || !sameTask(a.taskSpec, task)) this.stop(a, node ? "task updated" : "node gone");
      else if (onNode.has(node.id)) this.stop(a, "duplicate instance");
      else {
        onNode.set(node.id, a);
        if (a.jobVersion !== this.input.job.version) this.updateVersion(a, task);
      }
    }
    let next = mine.reduce((max, a) => Math.max(max, a.index + 1), 0);
    for (const node of this.candidates) {
      if (onNode.has(node.id)) continue;
      const ctx = taskContext(this.input.job.spec, task, this.state);
      const classOnly = this.feasibility.filter((p) => p.cacheable);
      if (selectNode(ctx, [node], classOnly, [], cache).node === null) continue;
      this.placeNew(task, next++, [node], new Map(), true);
    }
  }

  private placeNew(
    task: TaskSpec,
    index: number,
    candidates: readonly Node[],
    cache: ClassCache,
    dropUnplaced = false,
  ): void {
    const now = this.input.now;
    const alloc: Allocation = {
      id: this.input.newId(),
      jobId: this.input.job.id,
      jobVersion: this.input.job.version,
      jobType: this.input.job.type,
      task: task.name,
      taskSpec: task,
      index,
      nodeId: null,
      status: "pending",
      desiredStatus: "run",
      resources: taskResources(task),
      exitCode: null,
      signal: null,
      reasons: [],
      restarts: 0,
      score: null,
      createdAt: now,
      updatedAt: now,
    };
    const placed = this.tryPlace(alloc, task, candidates, cache);
    if (placed.nodeId !== null || !dropUnplaced) this.plan.place.push(placed);
  }

  private placeExisting(a: Allocation, task: TaskSpec): void {
    const placed = this.tryPlace(a, task, this.candidates, new Map());
    const reasonsChanged = JSON.stringify(placed.reasons) !== JSON.stringify(a.reasons);
    if (placed.nodeId !== null || reasonsChanged || a.jobVersion !== this.input.job.version) {
      this.plan.place.push({ ...placed, jobVersion: this.input.job.version });
    }
  }

  private tryPlace(
    a: Allocation,
    task: TaskSpec,
    candidates: readonly Node[],
    cache: ClassCache,
  ): Allocation {
    const ctx = taskContext(this.input.job.spec, task, this.state);
    const sel = selectNode(ctx, candidates, this.feasibility, this.rankers, cache);
    if (sel.node === null) {
      const reason = sel.tally.summary();
      const list = this.plan.unplaced[task.name] ?? [];
      if (!list.includes(reason)) list.push(reason);
      this.plan.unplaced[task.name] = list;
      return { ...a, reasons: [reason], updatedAt: this.input.now };
    }
    this.state.take(sel.node.id, a.resources);
    return { ...a, nodeId: sel.node.id, score: sel.score, reasons: [], updatedAt: this.input.now };
  }

  private updateVersion(a: Allocation, task: TaskSpec): void {
    this.plan.update.push({
      ...a,
      jobVersion: this.input.job.version,
      taskSpec: task,
      updatedAt: this.input.now,
    });
  }

  private stop(a: Allocation, reason: string): void {
    if (a.nodeId !== null) this.state.release(a.nodeId, a.resources);
    const node = a.nodeId === null ? undefined : this.nodesById.get(a.nodeId);
    const offNode = node === undefined || node.status === "down";
    this.plan.stop.push({
      ...a,
      desiredStatus: "stop",
      status: offNode ? "stopped" : a.status,
      reasons: [...a.reasons, reason],
      updatedAt: this.input.now,
    });
  }
}

/**
 * The scheduler's entry point: one job, one snapshot in; one plan out. Pure and deterministic for
 * a given `evalId` (it seeds the candidate shuffle).
 */
export function scheduleJob(input: ScheduleInput): Plan {
  return new Scheduler(input).run();
}
