import {
  type Allocation,
  deriveJobStatus,
  type Job,
  type Node,
  rescheduleDelay,
  reschedulePolicy,
  type TaskSpec,
} from "../model/index.js";
import { inputTransferSec, locateInputs } from "./data-sources.js";
import { PlacementState } from "./placement-state.js";
import type { Plan } from "./plan.js";
import type { FeasibilityPlugin, PlacementContext, ScorePlugin } from "./plugin.js";
import { freeGpus } from "./plugins/gpus/index.js";
import { findPreemption } from "./preempt.js";
import { seededRandom, seedFrom } from "./random.js";
import { FEASIBILITY, PREEMPTIBLE_CHECKS, RANKERS } from "./registry.js";
import { CandidateSource, type ClassCache, classFilter, limitFor, selectNode } from "./select.js";
import { holdsResources, type Snapshot } from "./snapshot.js";
import { distinctHostsOf, sameTask, spreadKeys, taskResources } from "./task-context.js";
import { workflowGate } from "./workflow-gate.js";
import { isWorkflow, planWorkflowPlacement } from "./workflow-placement.js";

export interface ScheduleInput {
  job: Job;
  /** Every allocation of this job (any status). */
  allocs: readonly Allocation[];
  snapshot: Snapshot;
  evalId: string;
  /** ISO timestamp used for created/updated fields (and the age of preemption victims). */
  now: string;
  newId: () => string;
  feasibility?: readonly FeasibilityPlugin[];
  rankers?: readonly ScorePlugin[];
  /** Override of the limit stage (feasible candidates compared per placement). */
  limit?: number;
}

const nodeIndexes = new WeakMap<readonly Node[], Map<string, Node>>();

function nodeIndexOf(nodes: readonly Node[]): Map<string, Node> {
  let index = nodeIndexes.get(nodes);
  if (!index) {
    index = new Map(nodes.map((n) => [n.id, n]));
    nodeIndexes.set(nodes, index);
  }
  return index;
}

/** Live = wanted and not finished: pending (placed or not), running, or unknown (node cut off). */
function isLive(a: Allocation): boolean {
  return (
    a.desiredStatus === "run" &&
    (a.status === "pending" || a.status === "running" || a.status === "unknown")
  );
}

/** Per-task placement machinery shared by the placements of that task in one evaluation. */
interface TaskRun {
  task: TaskSpec;
  ctx: PlacementContext;
  source: CandidateSource;
  cache: ClassCache;
  limit: number;
  /** What the class checks dropped before the source (see `classFilter`). */
  prefiltered: { dropped: number; reasons: ReadonlyMap<string, number> };
}

/** Builds the plan of one evaluation for one job. */
class Scheduler {
  readonly plan: Plan;
  private readonly state: PlacementState;
  private readonly order: readonly Node[];
  private readonly random: () => number;
  private nodeIndex: Map<string, Node> | null = null;
  private nameIndex: Map<string, Node> | null = null;
  private readonly feasibility: readonly FeasibilityPlugin[];
  private readonly rankers: readonly ScorePlugin[];
  /** Instances per task + spread key + label value. */
  private readonly spreadCounts = new Map<string, number>();
  private readonly spreadValueCounts = new Map<string, number>();
  /** Workflow jobs: the node the whole-workflow plan prefers per `task#index`. */
  private readonly preferred: Map<string, string>;
  /** The instance being placed (its preferred and avoided nodes are looked up by it). */
  private current: Allocation | null = null;

  constructor(private readonly input: ScheduleInput) {
    this.plan = {
      jobId: input.job.id,
      evalId: input.evalId,
      place: [],
      update: [],
      stop: [],
      preempt: [],
      unplaced: {},
      waiting: {},
      jobStatus: input.job.status,
    };
    this.state = new PlacementState(input.snapshot);
    this.random = seededRandom(seedFrom(input.evalId));
    this.order = input.snapshot.nodes;
    this.feasibility = input.feasibility ?? FEASIBILITY;
    this.rankers = input.rankers ?? RANKERS;
    const held = input.allocs.filter(holdsResources);
    this.state.countExisting(held);
    for (const a of held) this.countSpread(a, 1);
    this.preferred =
      !input.job.stopped && isWorkflow(input.job)
        ? planWorkflowPlacement(
            input.job,
            input.allocs,
            input.snapshot.nodes,
            seedFrom(input.evalId),
            input.snapshot.network,
          )
        : new Map();
  }

  /** Node by name (declared data sources name nodes); built only when needed. */
  private nodeByName(name: string): Node | undefined {
    this.nameIndex ??= new Map(this.input.snapshot.nodes.map((n) => [n.name, n]));
    return this.nameIndex.get(name);
  }

  /** Node by id; the index is built once per node list and only when needed. */
  private nodeById(id: string): Node | undefined {
    this.nodeIndex ??= nodeIndexOf(this.input.snapshot.nodes);
    return this.nodeIndex.get(id);
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
    const known = new Set(this.input.allocs.map((a) => a.id));
    const out = this.input.allocs.map((a) => changed.get(a.id) ?? a);
    for (const a of this.plan.place) if (!known.has(a.id)) out.push(a);
    return out;
  }

  // ---- spread bookkeeping -------------------------------------------------------------------

  private countSpread(a: Pick<Allocation, "task" | "nodeId">, by: number): void {
    const node = a.nodeId === null ? undefined : this.nodeById(a.nodeId);
    const task = this.input.job.spec.tasks.find((t) => t.name === a.task);
    if (!node || !task) return;
    for (const key of spreadKeys(this.input.job, task)) {
      const value = node.labels[key];
      if (value === undefined) continue;
      const k = `${a.task}\u0000${key}\u0000${value}`;
      this.spreadCounts.set(k, (this.spreadCounts.get(k) ?? 0) + by);
    }
  }

  private spreadValues(key: string): number {
    let n = this.spreadValueCounts.get(key);
    if (n === undefined) {
      n = new Set(
        this.input.snapshot.nodes.map((x) => x.labels[key]).filter((v) => v !== undefined),
      ).size;
      this.spreadValueCounts.set(key, n);
    }
    return n;
  }

  private taskRun(task: TaskSpec, nodes: readonly Node[] = this.order): TaskRun {
    const { job } = this.input;
    const affinities = [...job.spec.affinities, ...task.affinities];
    const spread = [...job.spec.spread, ...task.spread];
    const copies =
      task.inputs.length > 0
        ? locateInputs(
            job,
            task,
            this.input.allocs,
            (id) => this.nodeById(id),
            (name) => this.nodeByName(name),
          )
        : [];
    const ctx: PlacementContext = {
      jobId: job.id,
      task: task.name,
      need: taskResources(task),
      gpu: task.resources.gpu,
      driver: task.driver,
      constraints: [...job.spec.constraints, ...task.constraints],
      affinities,
      spread,
      algorithm: job.spec.scheduling.algorithm,
      latency: task.latency,
      rtt: (node, to) => this.input.snapshot.rtt?.(node, to),
      distinctHosts: distinctHostsOf(job, task),
      desiredCount: task.count,
      used: (id) => this.state.usedOn(id),
      devicesUsed: (id) => this.state.devicesUsedOn(id),
      jobCountOn: (id) => this.state.jobCountOn(id),
      taskCountOn: (id) => this.state.taskCountOn(task.name, id),
      spreadCount: (key, value) =>
        this.spreadCounts.get(`${task.name}\u0000${key}\u0000${value}`) ?? 0,
      spreadValues: (key) => this.spreadValues(key),
      preferredNode: () =>
        this.current ? this.preferred.get(`${this.current.task}#${this.current.index}`) : undefined,
      avoidNodes: () => this.current?.failedOn ?? [],
      readsData: () => copies.length > 0,
      inputTransferSec: (node) =>
        copies.length > 0 ? inputTransferSec(copies, node, this.input.snapshot.network) : undefined,
    };
    const wide = affinities.length > 0 || spread.length > 0;
    const limit = this.input.limit ?? limitFor(nodes.length, wide);
    // Class checks once per task: the source then walks only nodes that can take the task at all,
    // so a tightly constrained job does not wade through the fleet for every instance.
    const cache: ClassCache = new Map();
    const { passed, dropped, reasons } = classFilter(ctx, nodes, this.feasibility, cache);
    const source = new CandidateSource(passed, this.random);
    return { task, ctx, source, cache, limit, prefiltered: { dropped, reasons } };
  }

  // ---- reconcile ------------------------------------------------------------------------------

  /** Service and batch tasks: keep `count` instances, indexed 0..count-1. */
  private reconcileCount(task: TaskSpec, mine: Allocation[]): void {
    const covered = new Set<number>();
    const failed = new Map<number, Allocation>();
    for (const a of mine) {
      if (a.desiredStatus !== "run" || !sameTask(a.taskSpec, task)) continue;
      if (a.status === "complete" && this.input.job.type === "batch") covered.add(a.index);
      const prev = failed.get(a.index);
      if (a.status === "failed" && (!prev || prev.createdAt < a.createdAt)) failed.set(a.index, a);
    }
    const gate = workflowGate(task, this.input.job.spec.tasks, this.input.allocs);
    if (gate.state !== "ready") this.plan.waiting[task.name] = gate.reason;
    const run = this.taskRun(task);
    for (const a of mine.filter(isLive).sort((x, y) => x.index - y.index)) {
      if (a.index >= task.count) this.stop(a, "task count reduced");
      else if (covered.has(a.index)) this.stop(a, "duplicate instance");
      else if (!sameTask(a.taskSpec, task)) this.stop(a, "task updated");
      else {
        covered.add(a.index);
        if (a.nodeId === null && gate.state === "ready") this.placeExisting(a, run);
        else if (a.nodeId !== null && a.jobVersion !== this.input.job.version)
          this.updateVersion(a, task);
      }
    }
    if (gate.state !== "ready") return;
    for (let i = 0; i < task.count; i++) {
      if (covered.has(i)) continue;
      const last = failed.get(i);
      if (last) this.reschedule(run, last);
      else this.placeNew(run, i);
    }
  }

  /**
   * A failed instance (local restarts gave up) is placed again, away from the nodes it failed
   * on, within the job's reschedule policy: `attempts` per `interval`, after a delay that is
   * constant or doubles per attempt. Until the delay passes the plan asks for a follow-up.
   */
  private reschedule(run: TaskRun, failed: Allocation): void {
    const { job, now } = this.input;
    const policy = reschedulePolicy(job.type, job.spec.reschedule);
    const nowMs = Date.parse(now);
    const recent = (failed.rescheduleTimes ?? []).filter(
      (t) => nowMs - Date.parse(t) < policy.interval,
    );
    if (recent.length >= policy.attempts) return;
    const due = Date.parse(failed.updatedAt) + rescheduleDelay(policy, recent.length);
    if (nowMs < due) {
      this.plan.followUpAt = Math.min(this.plan.followUpAt ?? due, due);
      return;
    }
    const next: Allocation = {
      ...this.newAlloc(run.task, failed.index),
      previousAllocId: failed.id,
      rescheduleTimes: [...recent, now],
      failedOn: [...(failed.failedOn ?? []), ...(failed.nodeId ? [failed.nodeId] : [])],
    };
    this.placeNewAlloc(run, next);
  }

  /** System tasks: one instance on every node that passes the task's checks. */
  private reconcileSystem(task: TaskSpec, mine: Allocation[]): void {
    const onNode = new Map<string, Allocation>();
    for (const a of mine.filter(isLive)) {
      const node = a.nodeId === null ? undefined : this.nodeById(a.nodeId);
      if (!node || !sameTask(a.taskSpec, task)) this.stop(a, node ? "task updated" : "node gone");
      else if (onNode.has(node.id)) this.stop(a, "duplicate instance");
      else {
        onNode.set(node.id, a);
        if (a.jobVersion !== this.input.job.version) this.updateVersion(a, task);
      }
    }
    let next = mine.reduce((max, a) => Math.max(max, a.index + 1), 0);
    const probe = this.taskRun(task);
    const classOnly = this.feasibility.filter((p) => p.cacheable);
    for (const node of this.order) {
      if (onNode.has(node.id)) continue;
      const sel = selectNode(probe.ctx, new CandidateSource([node]), {
        feasibility: classOnly,
        rankers: [],
        cache: probe.cache,
        limit: 1,
      });
      if (sel.node === null) continue;
      this.placeNew(this.taskRun(task, [node]), next++, true);
    }
  }

  // ---- placement ------------------------------------------------------------------------------

  private newAlloc(task: TaskSpec, index: number): Allocation {
    const { job, now } = this.input;
    return {
      id: this.input.newId(),
      jobId: job.id,
      jobVersion: job.version,
      jobType: job.type,
      task: task.name,
      taskSpec: task,
      index,
      nodeId: null,
      status: "pending",
      desiredStatus: "run",
      resources: taskResources(task),
      devices: [],
      priority: job.priority,
      exitCode: null,
      signal: null,
      reasons: [],
      restarts: 0,
      score: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  private placeNew(run: TaskRun, index: number, dropUnplaced = false): void {
    this.placeNewAlloc(run, this.newAlloc(run.task, index), dropUnplaced);
  }

  private placeNewAlloc(run: TaskRun, alloc: Allocation, dropUnplaced = false): void {
    const placed = this.tryPlace(alloc, run);
    if (placed.nodeId !== null || !dropUnplaced) this.plan.place.push(placed);
  }

  private placeExisting(a: Allocation, run: TaskRun): void {
    const placed = this.tryPlace(a, run);
    const reasonsChanged = JSON.stringify(placed.reasons) !== JSON.stringify(a.reasons);
    if (placed.nodeId !== null || reasonsChanged || a.jobVersion !== this.input.job.version) {
      this.plan.place.push({
        ...placed,
        jobVersion: this.input.job.version,
        priority: this.input.job.priority,
      });
    }
  }

  private tryPlace(a: Allocation, run: TaskRun): Allocation {
    this.current = a;
    const sel = selectNode(run.ctx, run.source, {
      feasibility: this.feasibility,
      rankers: this.rankers,
      cache: run.cache,
      limit: run.limit,
      preemptible: PREEMPTIBLE_CHECKS,
      prefiltered: run.prefiltered,
    });
    if (sel.node !== null) return this.commit(a, sel.node, sel.score);
    const preempted = this.tryPreempt(a, run, sel.preemptible);
    if (preempted) return preempted;
    const reason = sel.tally.summary();
    const list = this.plan.unplaced[run.task.name] ?? [];
    if (!list.includes(reason)) list.push(reason);
    this.plan.unplaced[run.task.name] = list;
    return { ...a, reasons: [reason], updatedAt: this.input.now };
  }

  private commit(a: Allocation, node: Node, score: Record<string, number> | null): Allocation {
    const gpu = a.taskSpec.resources.gpu;
    const devices = gpu
      ? freeGpus(node, gpu, this.state.devicesUsedOn(node.id)).slice(0, gpu.count)
      : [];
    const placed: Allocation = {
      ...a,
      nodeId: node.id,
      devices,
      score,
      reasons: [],
      updatedAt: this.input.now,
    };
    this.state.take(placed, node.id);
    this.countSpread(placed, 1);
    return placed;
  }

  /** When nothing fits: evict the cheapest set of lower-priority work, if the job allows it. */
  private tryPreempt(a: Allocation, run: TaskRun, nodes: Node[]): Allocation | null {
    const { job } = this.input;
    if (!job.spec.scheduling.preemption || nodes.length === 0) return null;
    const choice = findPreemption(
      nodes,
      {
        jobId: job.id,
        priority: job.priority,
        need: run.ctx.need,
        gpu: run.ctx.gpu,
        nowMs: Date.parse(this.input.now),
      },
      this.state,
    );
    if (!choice) return null;
    const reason = `preempted by job ${job.name} (priority ${job.priority})`;
    for (const v of choice.victims) {
      this.state.evicted.add(v.id);
      this.state.release(v, choice.node.id, false);
      this.plan.preempt.push({
        ...v,
        desiredStatus: "stop",
        reasons: [...v.reasons, reason],
        updatedAt: this.input.now,
      });
    }
    const score = { preemptions: choice.victims.length, total: 0 };
    return this.commit(a, choice.node, score);
  }

  private updateVersion(a: Allocation, task: TaskSpec): void {
    this.plan.update.push({
      ...a,
      jobVersion: this.input.job.version,
      taskSpec: task,
      priority: this.input.job.priority,
      updatedAt: this.input.now,
    });
  }

  private stop(a: Allocation, reason: string): void {
    if (a.nodeId !== null && holdsResources(a)) {
      this.state.release(a, a.nodeId, true);
      this.countSpread(a, -1);
    }
    const node = a.nodeId === null ? undefined : this.nodeById(a.nodeId);
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
