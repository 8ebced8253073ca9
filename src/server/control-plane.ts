import type { Logger } from "pino";
import {
  type AgentAlloc,
  type Allocation,
  type AllocReport,
  BrinkError,
  builtinLabels,
  byCreation,
  type Clock,
  deriveJobStatus,
  type EvalTrigger,
  type Evaluation,
  type Fingerprint,
  IsoTime,
  isTerminal,
  type Job,
  type JobSpec,
  type JobSummary,
  type Node,
  type NodeStatus,
  type NodeView,
  newId,
  type PeerReport,
  type SyncPoint,
  summarizeJob,
  type Topology,
} from "../model/index.js";
import { type Plan, planAllocations, type Snapshot, scheduleJob } from "../scheduler/index.js";
import type { Store, TokenRecord } from "../store/index.js";
import { EvalBroker, makeEvaluation } from "./broker.js";
import type { ServerConfig } from "./config.js";
import { drainStep } from "./drainer.js";
import { EventLog } from "./events.js";
import { BlockedEvents, stateEvents } from "./events-observer.js";
import { NodeSync } from "./gateway/node-sync.js";
import { LogsRelay } from "./logs-relay.js";
import type { ServerMetrics } from "./metrics.js";
import { Mutex } from "./mutex.js";
import { type MonitorHost, NodeMonitor } from "./node-monitor.js";
import { checkPlan } from "./plan-check.js";
import { ServiceDirectory } from "./services/directory.js";
import { sameEndpointFacts, withEndpointFacts } from "./services/endpoint-facts.js";
import type { AgentSession } from "./session.js";
import { ClusterState } from "./state.js";
import type { StateOverlay } from "./state-overlay.js";
import { hashToken, newToken, sameHash } from "./tokens.js";
import { DECLARED_LINKS_KEY, type DeclaredLink, declaredLinksSchema } from "./topology/declared.js";
import { MeasuredRtts } from "./topology/measured.js";
import { declaredGraph, networkView, type RttSources, rttTo } from "./topology/rtt.js";

/** A batch of evaluations commits at most this many of them, or about this many allocations. */
const BATCH_EVALS = 64;
const BATCH_ALLOCS = 5000;

/** A job version whose write is in flight: `done` settles when it has landed or failed. */
interface InflightJob {
  job: Job;
  done: Promise<void>;
  /** True once stored, false when the write failed. */
  stored: Promise<boolean>;
}

/** An evaluation's plan, decided and checked, waiting for its batch to commit. */
interface Decided {
  evaluation: Evaluation;
  /** The evaluation as it is stored once the plan commits. */
  done: Evaluation;
  /** Undefined when the job no longer exists (the evaluation fails, nothing is placed). */
  job: Job | undefined;
  plan: Plan;
  allocs: Allocation[];
  /** The time the evaluation was planned at (ISO). */
  now: string;
  /** `performance.now()` when planning began. */
  started: number;
  /** The write of the job version planned for, when it was still being stored: true once stored. */
  stored?: Promise<boolean>;
}

export interface ControlPlaneDeps {
  store: Store;
  config: ServerConfig;
  logger: Logger;
  metrics: ServerMetrics;
  clock: Clock;
}

export interface JoinRequest {
  name: string;
  site: string;
  labels: Record<string, string>;
  fingerprint: Fingerprint;
}

/**
 * The control plane's core: accepts jobs, runs evaluations through the scheduler, applies plans,
 * talks to agents' sessions and watches node health. Every state change goes through `mutex` so
 * the store, the in-memory state and the sessions never disagree.
 */
export class ControlPlane {
  readonly broker = new EvalBroker();
  readonly logs = new LogsRelay();
  private readonly mutex = new Mutex();
  /** Round-trip times agents measure (to the server and to site peers). */
  readonly rtts = new MeasuredRtts();
  private declaredLinks: DeclaredLink[] = [];
  private declaredGraph = declaredGraph([]);
  /** Numbered desired-state sync with each agent (one epoch per server start). */
  private readonly sync = new NodeSync(newId());
  private readonly sessions = new Map<string, AgentSession>();
  readonly monitor: NodeMonitor;
  /** Services formed by running allocations with ports; pushed to agents' load balancers. */
  readonly services: ServiceDirectory;
  private readonly tokenCache = new Map<string, TokenRecord>();
  private readonly followUps = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly dirtyAllocs = new Set<string>();
  private readonly dirtyJobs = new Set<string>();
  /** Job versions being stored (by name): the next version of the same job numbers after them. */
  private readonly inflightJobs = new Map<string, InflightJob>();
  /** The same versions by job id: their evaluations are planned while they are being stored. */
  private readonly inflightById = new Map<string, InflightJob>();
  /** Evaluations of submissions whose write failed: dropped when the worker reaches them. */
  private readonly unstored = new Set<string>();
  /** Job submissions waiting to be stored together (see `submitJob`). */
  private readonly submissions: {
    spec: JobSpec;
    resolve: (v: { job: Job; evaluation: Evaluation }) => void;
    reject: (err: unknown) => void;
  }[] = [];
  private pendingKick = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private gaugeTimer: NodeJS.Timeout | null = null;
  /** Nodes whose push waits for the next push tick (see `pushSoon`). */
  private readonly pushDue = new Set<string>();
  /** When each connected node was last sent a desired-state message (`performance.now()`). */
  private readonly pushedAt = new Map<string, number>();
  private pushTimer: NodeJS.Timeout | null = null;
  private state = new ClusterState();
  private worker: Promise<void> | null = null;
  private stopped = false;
  private drainTimer: NodeJS.Timeout | null = null;
  /** Events (node, job, allocation changes) for the API's list and stream. */
  readonly events: EventLog;
  private readonly blocked: BlockedEvents;
  /** Allocations the plan being applied evicts (their stop is an `alloc.preempted` event). */
  private readonly preempting = new Set<string>();
  /** Formats the clock's time (once per millisecond, however often it is asked). */
  private readonly iso: IsoTime;

  constructor(private readonly deps: ControlPlaneDeps) {
    this.iso = new IsoTime(deps.clock);
    this.events = new EventLog(deps.store, deps.clock, deps.logger, deps.metrics, {
      keep: deps.config.eventsKeep,
      maxAgeMs: deps.config.eventsMaxAgeMs,
    });
    this.blocked = new BlockedEvents(this.events);
    this.monitor = new NodeMonitor(this.monitorHost(), {
      heartbeatIntervalMs: deps.config.heartbeatIntervalMs,
      heartbeatGraceMs: deps.config.heartbeatGraceMs,
      phiThreshold: deps.config.phiThreshold,
      witnessTimeoutMs: deps.config.witnessTimeoutMs,
    });
    this.services = new ServiceDirectory({
      allocs: () => this.state.allocs.values(),
      job: (id) => this.state.jobs.get(id),
      node: (id) => this.state.nodes.get(id),
      nodeByIdOrName: (key) => this.state.nodes.get(key) ?? this.state.nodeByName(key),
      sessions: () => this.sessions.entries(),
      rtt: (from, to) => rttTo(this.rttSources(), from, `node:${to.name}`),
    });
  }

  private monitorHost(): MonitorHost {
    return {
      clock: this.deps.clock,
      logger: this.deps.logger,
      nodes: () => this.state.nodes.values(),
      unsettledNodes: () => this.state.unsettledNodes(),
      nodesInSite: (site) => this.state.nodesInSite(site),
      node: (id) => this.state.nodes.get(id),
      connected: (id) => this.sessions.has(id),
      dropSession: (id) => {
        const session = this.sessions.get(id);
        if (!session) return;
        this.sessions.delete(id);
        this.deps.metrics.sessions.set(this.sessions.size);
        session.terminate();
      },
      send: (id, msg) => this.sessions.get(id)?.send(msg),
      setNodeStatus: (node, status, reason) => this.setNodeStatus(node, status, reason),
      allocsOn: (id) => this.state.allocsOnNode(id),
      putAllocs: async (allocs) => {
        await this.deps.store.putAllocations(allocs);
        for (const a of allocs) this.state.putAlloc(a);
        for (const jobId of new Set(allocs.map((a) => a.jobId))) await this.refreshJobStatus(jobId);
      },
      job: (id) => this.state.jobs.get(id),
      enqueue: (jobId, trigger) => this.enqueue(jobId, trigger),
      exclusive: (fn) => this.mutex.run(fn),
      changed: () => this.refreshGauges(),
    };
  }

  private async setNodeStatus(
    node: Node,
    status: NodeStatus,
    reason: string | null,
  ): Promise<void> {
    const now = this.now();
    await this.deps.store.setNodeStatus(node.id, status, reason, node.lastHeartbeat);
    const current = this.state.nodes.get(node.id) ?? node;
    this.state.putNode({ ...current, status, statusReason: reason, statusSince: now });
    this.refreshGauges();
  }

  get store(): Store {
    return this.deps.store;
  }

  private now(): string {
    return this.iso.now();
  }

  /** Loads state, re-enqueues what a crash may have left unfinished, starts worker and monitor. */
  async start(): Promise<void> {
    this.state = await ClusterState.load(this.deps.store);
    this.state.observer = stateEvents(this.events, this.state, this.preempting);
    await this.events.start();
    this.state.onEndpointChange = () => this.services.markDirty();
    const links = await this.deps.store.getMeta(DECLARED_LINKS_KEY);
    const parsed = links ? declaredLinksSchema.safeParse(JSON.parse(links)) : undefined;
    this.declaredLinks = parsed?.success ? parsed.data : [];
    this.declaredGraph = declaredGraph(this.declaredLinks);
    for (const e of await this.deps.store.listPendingEvaluations()) this.broker.enqueue(e);
    for (const job of this.state.jobs.values()) this.enqueue(job.id, "node-update");
    this.worker = this.runWorker();
    this.monitor.start();
    this.drainTimer = setInterval(
      () =>
        void this.mutex
          .run(() => this.checkDrains())
          .catch((err: unknown) => this.deps.logger.error({ err }, "drain step failed")),
      500,
    );
    this.refreshGauges();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.monitor.stop();
    this.services.close();
    if (this.drainTimer) clearInterval(this.drainTimer);
    if (this.gaugeTimer) clearTimeout(this.gaugeTimer);
    if (this.pushTimer) clearTimeout(this.pushTimer);
    for (const f of this.followUps.values()) clearTimeout(f.timer);
    this.broker.close();
    this.logs.cancelAll();
    for (const s of this.sessions.values()) s.close(1001, "server shutting down");
    await this.worker;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    const { written } = await this.mutex.run(async () => ({ written: this.flushReports() }));
    await written.catch((err: unknown) =>
      this.deps.logger.error({ err }, "writing reports failed"),
    );
    await this.events.close();
  }

  // ---- auth -------------------------------------------------------------------------------

  async authenticate(token: string): Promise<TokenRecord | undefined> {
    const hash = hashToken(token);
    let record = this.tokenCache.get(hash);
    if (!record) {
      record = await this.deps.store.findToken(hash);
      if (record) this.tokenCache.set(hash, record);
    }
    return record && sameHash(record.hash, hash) ? record : undefined;
  }

  // ---- views ------------------------------------------------------------------------------

  listNodes(): NodeView[] {
    return [...this.state.nodes.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((n) => this.nodeView(n));
  }

  getNode(idOrName: string): NodeView {
    const node = this.state.nodes.get(idOrName) ?? this.state.nodeByName(idOrName);
    if (!node) throw new BrinkError("NODE_NOT_FOUND", `no node with id or name "${idOrName}"`);
    return this.nodeView(node);
  }

  private nodeView(node: Node): NodeView {
    return {
      ...node,
      lastHeartbeat: this.state.lastHeartbeat(node),
      allocated: this.state.usedOn(node.id),
    };
  }

  /** The id of a node named by id or name; undefined when no such node is known. */
  nodeIdOf(idOrName: string): string | undefined {
    return (this.state.nodes.get(idOrName) ?? this.state.nodeByName(idOrName))?.id;
  }

  /** The id of a job named by id or name; undefined when no such job is known. */
  jobIdOf(idOrName: string): string | undefined {
    return this.state.jobByIdOrName(idOrName)?.id;
  }

  listJobs(): Job[] {
    return [...this.state.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  getJob(idOrName: string): Job {
    const job = this.state.jobByIdOrName(idOrName);
    if (!job) throw new BrinkError("JOB_NOT_FOUND", `no job with id or name "${idOrName}"`);
    return job;
  }

  jobAllocations(idOrName: string): Allocation[] {
    return this.state.allocsOfJob(this.getJob(idOrName).id);
  }

  jobSummary(idOrName: string): JobSummary {
    const job = this.getJob(idOrName);
    return summarizeJob(job, this.state.allocsOfJob(job.id));
  }

  listAllocations(): Allocation[] {
    return [...this.state.allocs.values()].sort(byCreation);
  }

  getAllocation(id: string): Allocation {
    const alloc = this.state.allocs.get(id) ?? this.findAllocByPrefix(id);
    if (!alloc) throw new BrinkError("ALLOCATION_NOT_FOUND", `no allocation with id "${id}"`);
    return alloc;
  }

  private findAllocByPrefix(prefix: string): Allocation | undefined {
    if (prefix.length < 4) return undefined;
    const matches = [...this.state.allocs.values()].filter((a) => a.id.startsWith(prefix));
    if (matches.length > 1) {
      throw new BrinkError("BAD_REQUEST", `allocation id prefix "${prefix}" is ambiguous`);
    }
    return matches[0];
  }

  // ---- jobs -------------------------------------------------------------------------------

  /**
   * Stores a new version of the job and enqueues its evaluation. Submissions that arrive while
   * the control plane is busy are stored together, in arrival order, in one transaction. Only
   * the numbering holds the control plane: the write is awaited outside it (the store applies
   * writes in call order), then the jobs enter the state and their evaluations the queue.
   */
  submitJob(spec: JobSpec): Promise<{ job: Job; evaluation: Evaluation }> {
    return new Promise((resolve, reject) => {
      this.submissions.push({ spec, resolve, reject });
      if (this.submissions.length > 1) return;
      this.mutex
        .run(async () => ({ stored: this.postSubmissions() }))
        .then(({ stored }) => stored)
        .catch((err: unknown) => this.deps.logger.error({ err }, "storing submissions failed"));
    });
  }

  /** Numbers the waiting submissions, posts their write; resolves once they are in the state. */
  private postSubmissions(): Promise<void> {
    const group = this.submissions.splice(0);
    if (group.length === 0) return Promise.resolve();
    try {
      return this.storeSubmissions(group);
    } catch (err) {
      for (const s of group) s.reject(err);
      return Promise.resolve();
    }
  }

  private storeSubmissions(group: ControlPlane["submissions"]): Promise<void> {
    const now = this.now();
    const decided = new Map<string, Job>();
    const entries = group.map(({ spec }) => {
      const prev =
        decided.get(spec.name) ??
        this.inflightJobs.get(spec.name)?.job ??
        this.state.jobByIdOrName(spec.name);
      const job: Job = {
        id: prev?.id ?? newId(),
        name: spec.name,
        version: (prev?.version ?? 0) + 1,
        type: spec.type,
        priority: spec.priority,
        status: "pending",
        stopped: false,
        spec,
        createdAt: prev?.createdAt ?? now,
        updatedAt: now,
      };
      decided.set(spec.name, job);
      return { job, evaluation: makeEvaluation(newId(), job.id, "job-register", now) };
    });
    const write = this.deps.store.submitJobs(entries);
    // The evaluations are queued at once: the worker plans them while the write lands, and
    // commits a plan only once its job version is stored (see `commit`).
    const queued = entries.map(({ evaluation }) => this.broker.enqueue(evaluation));
    this.deps.metrics.evalsQueued.set(this.broker.depth);
    const ok = write.then(
      () => true,
      () => false,
    );
    const stored = write.then(
      () => {
        entries.forEach(({ job }, i) => {
          this.state.putJob(job);
          group[i]?.resolve({ job, evaluation: queued[i] as Evaluation });
        });
      },
      (err: unknown) => {
        // Their own evaluations are dropped (one folded into an earlier evaluation of the same
        // job is not: that one runs, against the version that is stored).
        entries.forEach(({ evaluation }, i) => {
          if (queued[i] === evaluation) this.unstored.add(evaluation.id);
        });
        for (const s of group) s.reject(err);
      },
    );
    for (const { job } of entries) {
      const entry: InflightJob = { job, done: stored, stored: ok };
      this.inflightJobs.set(job.name, entry);
      this.inflightById.set(job.id, entry);
      void stored.then(() => {
        if (this.inflightJobs.get(job.name) === entry) this.inflightJobs.delete(job.name);
        if (this.inflightById.get(job.id) === entry) this.inflightById.delete(job.id);
      });
    }
    return stored;
  }

  stopJob(idOrName: string): Promise<{ job: Job; evaluation: Evaluation }> {
    return this.mutex.run(async () => {
      // Versions of it submitted before the stop land first: the stop applies to the newest.
      const byName = this.state.jobByIdOrName(idOrName)?.name ?? idOrName;
      if (this.submissions.some((s) => s.spec.name === byName)) void this.postSubmissions();
      for (let inflight = this.inflightJobs.get(byName); inflight; ) {
        await inflight.done;
        inflight = this.inflightJobs.get(byName);
      }
      const current = this.getJob(idOrName);
      const now = this.now();
      const job: Job = { ...current, stopped: true, status: "dead", updatedAt: now };
      const evaluation = makeEvaluation(newId(), job.id, "job-deregister", now);
      await this.deps.store.updateJob(job, evaluation);
      this.state.putJob(job);
      return { job, evaluation: this.broker.enqueue(evaluation) };
    });
  }

  /** Dry run of the scheduler for a spec: what would be placed, with no state changed. */
  planJob(spec: JobSpec): Plan {
    const prev = this.state.jobByIdOrName(spec.name);
    const now = this.now();
    const job: Job = {
      id: prev?.id ?? "(new)",
      name: spec.name,
      version: (prev?.version ?? 0) + 1,
      type: spec.type,
      priority: spec.priority,
      status: "pending",
      stopped: false,
      spec,
      createdAt: now,
      updatedAt: now,
    };
    return scheduleJob({
      job,
      allocs: prev ? this.state.allocsOfJob(prev.id) : [],
      snapshot: this.snapshot(),
      evalId: newId(),
      now,
      newId,
    });
  }

  private enqueue(jobId: string, trigger: EvalTrigger): void {
    if (this.stopped) return;
    this.broker.enqueue(makeEvaluation(newId(), jobId, trigger, this.now()));
    this.deps.metrics.evalsQueued.set(this.broker.depth);
  }

  /** Evaluates the job again at `atMs` (a reschedule delay ends); one timer per job. */
  private followUp(jobId: string, atMs: number): void {
    const existing = this.followUps.get(jobId);
    if (existing && existing.at <= atMs) return;
    if (existing) clearTimeout(existing.timer);
    const delay = Math.max(0, atMs - this.deps.clock.now());
    const timer = setTimeout(() => {
      this.followUps.delete(jobId);
      this.enqueue(jobId, "reschedule");
    }, delay);
    timer.unref();
    this.followUps.set(jobId, { at: atMs, timer });
  }

  /** Jobs with instances waiting for capacity get another evaluation (capacity may have appeared). */
  private kickBlocked(): void {
    for (const jobId of this.state.jobsWaitingForNodes()) this.enqueue(jobId, "capacity-change");
  }

  /**
   * Drains the broker in batches: every evaluation waiting when the worker looks (up to
   * `BATCH_EVALS`) is planned in turn against the committed state plus the plans before it, the
   * plans commit in one transaction, and each touched node gets one message with all of its
   * changes. One plan at a time when the queue holds one; many when jobs arrive faster.
   */
  private async runWorker(): Promise<void> {
    for (;;) {
      const first = await this.broker.next();
      if (!first) return;
      const batch = [first, ...this.broker.takeReady(BATCH_EVALS - 1)];
      this.deps.metrics.evalsQueued.set(this.broker.depth);
      const nowMs = this.deps.clock.now();
      for (const e of batch) {
        const waited = nowMs - Date.parse(e.createdAt);
        if (waited >= 0) this.deps.metrics.evalWaitSeconds.observe(waited / 1000);
      }
      await this.mutex
        .run(() => this.processBatch(batch))
        .catch((err: unknown) => this.deps.logger.error({ err }, "evaluation batch failed"));
    }
  }

  private async processBatch(batch: readonly Evaluation[]): Promise<void> {
    const touched = new Set<string>();
    let overlay = this.state.overlay();
    let decided: Decided[] = [];
    let allocs = 0;
    for (const evaluation of batch) {
      if (this.unstored.delete(evaluation.id)) continue;
      const started = performance.now();
      let d: Decided;
      try {
        d = this.decide(evaluation, overlay);
      } catch (err) {
        this.evalFailed(evaluation, err, started);
        continue;
      }
      overlay.apply(d.allocs);
      decided.push(d);
      allocs += d.allocs.length;
      // Evictions change other jobs' allocations: commit before anyone plans on top of them.
      if (d.plan.preempt.length > 0 || allocs >= BATCH_ALLOCS) {
        await this.commit(decided, touched);
        overlay = this.state.overlay();
        decided = [];
        allocs = 0;
      }
    }
    await this.commit(decided, touched);
    for (const nodeId of touched) this.pushSoon(nodeId);
    this.refreshGauges();
  }

  /** One evaluation: snapshot (committed state + the batch so far) → scheduler → plan check. */
  private decide(evaluation: Evaluation, view: StateOverlay): Decided {
    const started = performance.now();
    // A version still being stored is planned for now and committed once it has landed.
    const inflight = this.inflightById.get(evaluation.jobId);
    const job = inflight?.job ?? this.state.jobs.get(evaluation.jobId);
    const now = this.now();
    if (!job) {
      const done: Evaluation = { ...evaluation, status: "failed", updatedAt: now };
      const plan: Plan = {
        jobId: evaluation.jobId,
        evalId: evaluation.id,
        ...{ place: [], update: [], stop: [], preempt: [], unplaced: {}, waiting: {} },
        jobStatus: "dead",
      };
      return { evaluation, done, job, plan, allocs: [], now, started };
    }
    const scheduling = this.deps.metrics.schedulerSeconds.startTimer();
    const raw = scheduleJob({
      job,
      allocs: view.allocsOfJob(job.id),
      snapshot: this.snapshot(view),
      evalId: evaluation.id,
      now,
      newId,
    });
    scheduling();
    const plan = checkPlan(raw, view);
    const done: Evaluation = { ...evaluation, status: "complete", updatedAt: now };
    if (Object.keys(plan.unplaced).length > 0) done.unplaced = plan.unplaced;
    const allocs = planAllocations(plan);
    return {
      evaluation,
      done,
      job,
      plan,
      allocs,
      now,
      started,
      ...(inflight ? { stored: inflight.stored } : {}),
    };
  }

  private evalFailed(evaluation: Evaluation, err: unknown, startedMs: number): void {
    this.deps.metrics.evalsTotal.inc({ trigger: evaluation.trigger, result: "failed" });
    this.deps.metrics.evalSeconds.observe((performance.now() - startedMs) / 1000);
    this.deps.logger.error({ err, evalId: evaluation.id }, "evaluation failed");
  }

  /** Commits decided plans in one transaction, then brings the in-memory state up to them. */
  private async commit(all: readonly Decided[], touched: Set<string>): Promise<void> {
    const decided = await this.withStoredJobs(all);
    if (decided.length === 0) return;
    // Allocations carry the time they are committed, not the time scheduling began (a large job
    // takes a while to place): submit→running and created→running then measure what they say.
    const committedAt = this.now();
    // The plan's allocations are objects this evaluation made (new, or changed copies), seen
    // only by the batch's overlay, which is dropped after this commit: stamped in place.
    for (const d of decided) {
      for (const a of d.allocs) {
        if (a.updatedAt !== d.now) continue;
        if (a.createdAt === d.now) a.createdAt = committedAt;
        a.updatedAt = committedAt;
      }
    }
    try {
      await this.deps.store.applyPlans(
        decided.map((d) => ({
          upsertAllocs: d.allocs,
          evaluation: d.done,
          ...(d.job && d.plan.jobStatus !== d.job.status
            ? {
                job: {
                  id: d.job.id,
                  status: d.plan.jobStatus,
                  updatedAt: d.now,
                  version: d.job.version,
                },
              }
            : {}),
        })),
      );
    } catch (err) {
      for (const d of decided) this.evalFailed(d.evaluation, err, d.started);
      return;
    }
    for (const d of decided) this.applied(d, touched);
  }

  /**
   * The plans whose job version is stored. A plan made while its version was being written waits
   * for the write; if it failed, the plan is dropped and its evaluation runs again later against
   * the version that is stored (unless it was the failed submission's own evaluation).
   */
  private async withStoredJobs(decided: readonly Decided[]): Promise<Decided[]> {
    if (decided.every((d) => d.stored === undefined)) return [...decided];
    const stored = await Promise.all(decided.map((d) => d.stored ?? true));
    return decided.filter((d, i) => {
      if (stored[i]) return true;
      this.deps.logger.warn(
        { evalId: d.evaluation.id },
        "plan dropped: its job version was not stored",
      );
      if (!this.unstored.delete(d.evaluation.id)) this.broker.enqueue(d.evaluation);
      return false;
    });
  }

  /** A committed plan: state, events, metrics, follow-ups; its nodes are pushed by the caller. */
  private applied(d: Decided, touched: Set<string>): void {
    const { job, plan, evaluation } = d;
    this.deps.metrics.evalsTotal.inc({ trigger: evaluation.trigger, result: "complete" });
    this.deps.metrics.evalSeconds.observe((performance.now() - d.started) / 1000);
    if (!job) return;
    for (const a of plan.preempt) this.preempting.add(a.id);
    for (const a of d.allocs) this.state.putAlloc(a);
    this.preempting.clear();
    // A newer version stored meanwhile keeps its own status (its evaluation sets it).
    const current = this.state.jobs.get(job.id);
    if (current?.version === job.version && plan.jobStatus !== current.status)
      this.state.putJob({ ...current, status: plan.jobStatus, updatedAt: d.now });
    this.blocked.note(job, plan.unplaced);
    const placed = plan.place.filter((a) => a.nodeId !== null).length;
    this.deps.metrics.placements.inc(placed);
    if (d.allocs.length > 0) {
      this.deps.logger.info(
        {
          evalId: evaluation.id,
          job: job.name,
          placed,
          stopped: plan.stop.length,
          unplaced: plan.unplaced,
        },
        "plan applied",
      );
    }
    for (const a of d.allocs) if (a.nodeId !== null) touched.add(a.nodeId);
    if (plan.followUpAt !== undefined) this.followUp(job.id, plan.followUpAt);
    // Evicted work is rescheduled like any other: its jobs get an evaluation.
    for (const jobId of new Set(plan.preempt.map((a) => a.jobId)))
      this.enqueue(jobId, "alloc-update");
    if (plan.preempt.length > 0) {
      this.deps.metrics.preemptions.inc(plan.preempt.length);
      this.deps.logger.info({ job: job.name, evicted: plan.preempt.map((a) => a.id) }, "preempted");
    }
  }

  // ---- nodes and sessions -----------------------------------------------------------------

  /** The scheduler's view: the state's live snapshot plus what is known of the network. */
  private snapshot(base: { snapshot(): Snapshot } = this.state): Snapshot {
    const sources = this.rttSources();
    const { nodes, usage, devices, allocsOn } = base.snapshot();
    // Built field by field in one order (see `Snapshot`): the scheduler's hot paths then see one
    // object shape, not one per way the snapshot was assembled.
    return {
      nodes,
      usage,
      devices,
      allocsOn,
      rtt: (node, to) => rttTo(sources, node, to),
      network: networkView(sources),
    };
  }

  private rttSources(): RttSources {
    return {
      measured: this.rtts,
      declared: this.declaredGraph,
      nodeByName: (name) => this.state.nodeByName(name),
      nodes: () => this.state.nodes.values(),
    };
  }

  /** Replaces the declared links (sites to each other and to the cloud); stored in the store. */
  setDeclaredLinks(links: DeclaredLink[]): Promise<DeclaredLink[]> {
    return this.mutex.run(async () => {
      const graph = declaredGraph(links);
      await this.deps.store.setMeta(DECLARED_LINKS_KEY, JSON.stringify(links));
      this.declaredLinks = links;
      this.declaredGraph = graph;
      this.kickBlocked();
      return links;
    });
  }

  /** Sites, nodes and links: declared figures and what the agents measure. */
  topology(): Topology {
    const nodes = this.listNodes();
    const sites = new Map<string, string[]>();
    for (const n of nodes) sites.set(n.site, [...(sites.get(n.site) ?? []), n.name]);
    const names = new Map(nodes.map((n) => [n.id, n.name]));
    return {
      sites: [...sites].map(([name, members]) => ({ name, nodes: members })),
      nodes: nodes.map((n) => ({
        id: n.id,
        name: n.name,
        site: n.site,
        status: n.status,
        serverRttMs: this.rtts.serverRtt(n.id),
      })),
      links: [
        ...this.declaredLinks.map((l) => ({ ...l, kind: "declared" as const })),
        ...this.rtts
          .peerLinks()
          .filter((l) => names.has(l.from) && names.has(l.to))
          .map((l) => ({
            from: names.get(l.from) as string,
            to: names.get(l.to) as string,
            latencyMs: l.rttMs,
            kind: "measured" as const,
          })),
      ],
    };
  }

  /** Takes a node out of (or back into) placement; its current work stays. */
  setEligibility(idOrName: string, eligible: boolean): Promise<NodeView> {
    return this.mutex.run(async () => {
      const node = this.getNode(idOrName);
      const next: Node = { ...node, eligible, drain: eligible ? null : (node.drain ?? null) };
      delete (next as Partial<NodeView>).allocated;
      await this.deps.store.putNode(next);
      this.state.putNode(next);
      if (eligible) this.kickBlocked();
      this.deps.logger.info({ node: node.name, eligible }, "node eligibility changed");
      return this.nodeView(next);
    });
  }

  /** Starts draining: the node takes no new work and its work moves away before `deadlineMs`. */
  drainNode(idOrName: string, deadlineMs: number): Promise<NodeView> {
    return this.mutex.run(async () => {
      const node = this.getNode(idOrName);
      const nowMs = this.deps.clock.now();
      const drain = {
        startedAt: new Date(nowMs).toISOString(),
        deadline: new Date(nowMs + deadlineMs).toISOString(),
      };
      const next: Node = { ...node, eligible: false, drain };
      delete (next as Partial<NodeView>).allocated;
      await this.deps.store.putNode(next);
      this.state.putNode(next);
      this.deps.logger.info({ node: node.name, deadline: drain.deadline }, "drain started");
      await this.checkDrains();
      return this.nodeView(next);
    });
  }

  private async checkDrains(): Promise<void> {
    const nowMs = this.deps.clock.now();
    for (const node of this.state.drainingNodes()) {
      const step = drainStep(
        node,
        nowMs,
        this.state.allocsOnNode(node.id),
        (jobId) => this.state.allocsOfJob(jobId),
        (jobId) => this.state.jobs.get(jobId),
      );
      if (step.done) {
        const next = { ...node, drain: null };
        await this.deps.store.putNode(next);
        this.state.putNode(next);
        this.deps.logger.info({ node: node.name }, "drain complete");
        continue;
      }
      if (step.stop.length === 0) continue;
      const now = this.now();
      const stopped = step.stop.map(({ alloc, reason }) => ({
        ...alloc,
        desiredStatus: "stop" as const,
        reasons: [...alloc.reasons, reason],
        updatedAt: now,
      }));
      await this.deps.store.putAllocations(stopped);
      for (const a of stopped) this.state.putAlloc(a);
      this.pushAllocs(node.id);
      for (const jobId of new Set(stopped.map((a) => a.jobId))) this.enqueue(jobId, "node-update");
    }
  }

  /** A node joins with the join token: it gets (or re-gets) its identity and a node credential. */
  joinNode(req: JoinRequest): Promise<{ node: Node; token: string }> {
    return this.mutex.run(async () => {
      const now = this.now();
      const prev = this.state.nodeByName(req.name);
      const node = this.nodeFrom(req, prev, now);
      await this.deps.store.putNode(node);
      if (prev) {
        await this.deps.store.deleteTokensOfNode(prev.id);
        for (const [hash, rec] of this.tokenCache)
          if (rec.nodeId === prev.id) this.tokenCache.delete(hash);
      }
      const token = newToken("node");
      await this.deps.store.putToken({
        hash: hashToken(token),
        role: "node",
        nodeId: node.id,
        createdAt: now,
      });
      this.state.putNode(node);
      if (prev) {
        this.events.emit({
          type: "node.registered",
          severity: "info",
          node: node.id,
          nodeName: node.name,
          message: `node ${node.name} joined site ${node.site} again`,
          details: { site: node.site, rejoin: true },
        });
      }
      this.monitor.seen(node.id);
      this.deps.logger.info({ node: node.name, site: node.site, rejoin: !!prev }, "node joined");
      this.refreshGauges();
      return { node, token };
    });
  }

  private nodeFrom(req: JoinRequest, prev: Node | undefined, now: string): Node {
    const fp = req.fingerprint;
    return {
      id: prev?.id ?? newId(),
      name: req.name,
      site: req.site,
      status: prev?.status === "ready" ? "ready" : "initializing",
      eligible: prev?.eligible ?? true,
      labels: { ...req.labels, ...builtinLabels(req.site, fp) },
      resources: fp.resources,
      drivers: fp.drivers,
      attributes: {
        arch: fp.arch,
        os: fp.os,
        kernel: fp.kernel,
        hostname: fp.hostname,
        cpuModel: fp.cpuModel,
      },
      gpus: fp.gpus,
      createdAt: prev?.createdAt ?? now,
      lastHeartbeat: prev?.lastHeartbeat ?? null,
      statusReason: null,
    };
  }

  sessionOpened(session: AgentSession): void {
    const old = this.sessions.get(session.nodeId);
    this.sessions.set(session.nodeId, session);
    if (old && old !== session) old.close(4409, "replaced by a newer session");
    this.monitor.seen(session.nodeId);
    session.send({
      type: "welcome",
      nodeId: session.nodeId,
      heartbeatIntervalMs: this.deps.config.heartbeatIntervalMs,
      ...(session.serverPings ? { serverPings: true } : {}),
    });
    this.deps.metrics.sessions.set(this.sessions.size);
  }

  sessionClosed(session: AgentSession): void {
    if (this.sessions.get(session.nodeId) !== session) return;
    this.sessions.delete(session.nodeId);
    this.pushedAt.delete(session.nodeId);
    this.deps.metrics.sessions.set(this.sessions.size);
    if (!this.stopped) this.monitor.sessionLost(session.nodeId);
  }

  /** The first message of a session: refresh the node, mark it ready, apply its reports. */
  hello(
    nodeId: string,
    fingerprint: Fingerprint,
    reports: AllocReport[],
    peer: { host: string | null; port: number } | undefined,
    remoteAddress: string | undefined,
    sync?: SyncPoint,
  ): Promise<void> {
    return this.mutex.run(async () => {
      const node = this.state.nodes.get(nodeId);
      if (!node) return;
      this.sync.resume(nodeId, sync);
      const now = this.now();
      const peerHost = peer?.host ?? remoteAddress?.replace(/^::ffff:/, "") ?? null;
      const updated: Node = {
        ...node,
        ...this.nodeFrom({ name: node.name, site: node.site, labels: {}, fingerprint }, node, now),
        labels: { ...node.labels, ...builtinLabels(node.site, fingerprint) },
        status: "ready",
        lastHeartbeat: now,
        statusReason: null,
        statusSince: node.status === "ready" ? (node.statusSince ?? now) : now,
        peerAddr:
          peer && peerHost
            ? `${peerHost.includes(":") ? `[${peerHost}]` : peerHost}:${peer.port}`
            : null,
      };
      await this.deps.store.putNode(updated);
      this.state.putNode(updated);
      this.monitor.seen(nodeId);
      for (const r of reports) await this.applyReport(nodeId, r, true);
      await this.forgetUnreported(updated, reports);
      if (node.status !== "ready") {
        this.deps.logger.info({ node: node.name, was: node.status }, "node ready");
        this.kickBlocked();
        for (const job of this.state.jobs.values())
          if (job.type === "system") this.enqueue(job.id, "node-update");
      }
      // Everyone in the site learns of a new or moved peer port; otherwise only this node needs its list.
      const peerChanged = updated.peerAddr !== node.peerAddr || node.status === "down";
      this.monitor.pushPeers(updated.site, peerChanged && updated.peerAddr ? undefined : nodeId);
      this.pushAllocs(nodeId);
      const session = this.sessions.get(nodeId);
      if (session) this.services.sendFull(nodeId, session);
      this.refreshGauges();
    });
  }

  /** `unknown` allocations the returning node does not report any more did not survive: lost. */
  private async forgetUnreported(node: Node, reports: AllocReport[]): Promise<void> {
    const reported = new Set(reports.map((r) => r.allocId));
    const now = this.now();
    const gone = this.state
      .allocsOnNode(node.id)
      .filter((a) => a.status === "unknown" && !reported.has(a.id))
      .map((a) => ({
        ...a,
        status: "lost" as const,
        reasons: [...a.reasons, `not running on ${node.name} when it came back`],
        updatedAt: now,
      }));
    if (gone.length === 0) return;
    await this.deps.store.putAllocations(gone);
    for (const a of gone) this.state.putAlloc(a);
    for (const jobId of new Set(gone.map((a) => a.jobId))) this.enqueue(jobId, "node-lost");
  }

  heartbeat(nodeId: string, peers?: Record<string, PeerReport>, serverRttMs?: number): void {
    this.monitor.heartbeat(nodeId, peers);
    // A newly measured pair may let work with a latency bound be placed.
    if (this.rtts.report(nodeId, peers, serverRttMs)) {
      this.pendingKick = true;
      this.scheduleFlush();
    }
    this.deps.metrics.heartbeats.inc();
    this.state.touch(nodeId, this.now());
  }

  /** The agent missed a desired-state message: send it the full set. */
  resync(nodeId: string): Promise<void> {
    return this.mutex.run(async () => {
      this.sync.reset(nodeId);
      this.pushAllocs(nodeId);
    });
  }

  probeResult(witnessId: string, target: string, report: PeerReport): void {
    this.monitor.probeResult(witnessId, target, report);
  }

  /**
   * Applies an agent's report message. Reports are not acknowledged one by one: the agent's hello
   * re-reports every allocation after each reconnect, and a report applied twice changes nothing
   * (see docs/failure-handling.md).
   */
  allocReports(nodeId: string, reports: readonly AllocReport[]): Promise<void> {
    return this.mutex.run(async () => {
      for (const r of reports) await this.applyReport(nodeId, r, false);
    });
  }

  /**
   * Applies one status report. A `lost` allocation its node still runs is reconciled only in the
   * node's hello, where the desired set pushed right after follows the decision; a later report
   * about it is ignored (the node has been told to drop it), so the two never race.
   */
  private async applyReport(nodeId: string, r: AllocReport, inHello: boolean): Promise<void> {
    const alloc = this.state.allocs.get(r.allocId);
    if (!alloc || alloc.nodeId !== nodeId) {
      this.deps.logger.warn(
        { nodeId, allocId: r.allocId },
        "report for an allocation not on this node",
      );
      return;
    }
    if (alloc.status === "lost" && (r.status === "running" || r.status === "pending")) {
      if (inHello) await this.reconnected(alloc, r);
      return;
    }
    if (
      isTerminal(alloc.status) ||
      (alloc.status === r.status &&
        alloc.restarts === (r.restarts ?? alloc.restarts) &&
        sameEndpointFacts(alloc, r))
    )
      return;
    const reasons =
      r.reason && !alloc.reasons.includes(r.reason) ? [...alloc.reasons, r.reason] : alloc.reasons;
    const next: Allocation = {
      ...alloc,
      status: r.status,
      exitCode: r.exitCode ?? alloc.exitCode,
      signal: r.signal ?? alloc.signal,
      restarts: r.restarts ?? alloc.restarts,
      reasons,
      updatedAt: this.now(),
    };
    withEndpointFacts(next, r);
    this.state.putAlloc(next);
    this.markDirty(next);
    if (isTerminal(next.status)) {
      this.pendingKick = true;
      // A finished workflow task may release the tasks that run after it; a failed allocation
      // may be rescheduled.
      const job = this.state.jobs.get(next.jobId);
      if (next.status === "failed") this.enqueue(next.jobId, "reschedule");
      else if (job?.spec.tasks.some((t) => t.after.length > 0))
        this.enqueue(job.id, "alloc-update");
    }
  }

  /**
   * Agents' status reports are applied to memory at once and written in batches: every 50 ms
   * one transaction stores the newest version of each changed allocation with the job statuses
   * derived from them, and waiting work gets one look for new capacity. A report lost to a crash
   * in between is not lost for good: agents re-report every status when they reconnect.
   */
  private markDirty(a: Allocation): void {
    this.dirtyAllocs.add(a.id);
    this.dirtyJobs.add(a.jobId);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.mutex
        .run(async () => ({ written: this.flushReports() }))
        .then(({ written }) => written)
        .catch((err: unknown) => this.deps.logger.error({ err }, "writing reports failed"));
    }, 50);
  }

  /**
   * Takes the changed allocations and posts their write; returns the write, which the caller
   * awaits after its exclusive section has ended. That is safe because the store applies writes
   * in the order they are made (see `Store`): a plan or another flush posted later commits later,
   * and it carries these reports too, since they are in memory already.
   */
  private flushReports(): Promise<void> {
    const allocs = [...this.dirtyAllocs]
      .map((id) => this.state.allocs.get(id))
      .filter((a): a is Allocation => a !== undefined);
    const jobs = [...this.dirtyJobs];
    this.dirtyAllocs.clear();
    this.dirtyJobs.clear();
    // Job statuses follow from the allocations: both go in the same transaction.
    const changed: Job[] = [];
    for (const jobId of jobs) {
      const job = this.state.jobs.get(jobId);
      if (!job) continue;
      const status = deriveJobStatus(job, this.state.allocsOfJob(jobId, false));
      if (status !== job.status) changed.push({ ...job, status, updatedAt: this.now() });
    }
    const written =
      allocs.length > 0 || changed.length > 0
        ? this.deps.store.applyPlans([
            { upsertAllocs: allocs },
            ...changed.map((j) => ({
              upsertAllocs: [],
              job: { id: j.id, status: j.status, updatedAt: j.updatedAt, version: j.version },
            })),
          ])
        : Promise.resolve();
    // Like the reports they follow from, derived job statuses are in memory before they are stored.
    for (const job of changed) this.state.putJob(job);
    if (this.pendingKick) {
      this.pendingKick = false;
      this.kickBlocked();
    }
    this.refreshGauges();
    return written;
  }

  /**
   * An allocation given up as lost reports running again (its node was cut off, not dead). The
   * job's `disconnect.reconcile` decides: `keep_original` (default) revives it and the
   * replacement, now a duplicate, is stopped by the next evaluation; `keep_replacement` leaves it
   * lost (the agent stops it); `best_score` keeps whichever scored higher when placed.
   */
  private async reconnected(alloc: Allocation, r: AllocReport): Promise<void> {
    const job = this.state.jobs.get(alloc.jobId);
    if (!job || job.stopped || alloc.desiredStatus !== "run") return;
    const replacement = this.state
      .allocsOfJob(job.id)
      .find(
        (a) =>
          a.id !== alloc.id &&
          a.task === alloc.task &&
          a.index === alloc.index &&
          a.desiredStatus === "run" &&
          !isTerminal(a.status),
      );
    const policy = job.spec.disconnect.reconcile;
    // An original the node had to start again (after a reboot) is no longer the process that ran
    // before: a replacement that already runs is kept instead of being swapped for it.
    const restartedMeanwhile = (r.restarts ?? alloc.restarts) > alloc.restarts;
    const keep =
      !replacement ||
      (policy === "keep_original" && !restartedMeanwhile) ||
      (policy === "best_score" && (alloc.score?.total ?? 0) >= (replacement.score?.total ?? 0));
    if (!keep) return;
    const next: Allocation = {
      ...alloc,
      status: r.status,
      restarts: r.restarts ?? alloc.restarts,
      reasons: [...alloc.reasons, "node came back; kept running (original kept)"],
      updatedAt: this.now(),
    };
    await this.deps.store.putAllocations([next]);
    this.state.putAlloc(next);
    await this.refreshJobStatus(job.id);
    this.enqueue(job.id, "node-update");
  }

  private async refreshJobStatus(jobId: string): Promise<void> {
    const job = this.state.jobs.get(jobId);
    if (!job) return;
    const status = deriveJobStatus(job, this.state.allocsOfJob(jobId, false));
    if (status === job.status) return;
    const next = { ...job, status, updatedAt: this.now() };
    // Status only, and only while this version is the stored one (a newer one may be in flight).
    await this.deps.store.applyPlans([
      {
        upsertAllocs: [],
        job: { id: jobId, status, updatedAt: next.updatedAt, version: job.version },
      },
    ]);
    const current = this.state.jobs.get(jobId);
    if (current?.version === job.version)
      this.state.putJob({ ...current, status, updatedAt: next.updatedAt });
  }

  logsFor(allocId: string, stream: "stdout" | "stderr", tailBytes: number): Promise<string> {
    const alloc = this.getAllocation(allocId);
    if (alloc.nodeId === null) {
      throw new BrinkError(
        "CONFLICT",
        `allocation ${alloc.id} is not placed on a node yet, so it has no logs`,
      );
    }
    const session = this.sessions.get(alloc.nodeId);
    if (!session) {
      const node = this.state.nodes.get(alloc.nodeId);
      throw new BrinkError(
        "NODE_UNREACHABLE",
        `node ${node?.name ?? alloc.nodeId} is not connected; its logs cannot be read now`,
      );
    }
    return this.logs.request(session, alloc.id, stream, tailBytes);
  }

  /**
   * Pushes a node what a commit changed for it, coalescing bursts. A node not pushed to within
   * `pushIntervalMs` is pushed at once; otherwise it waits for the next push tick, and whatever
   * the plans committed meanwhile gave it goes in one message (and comes back as one report).
   * While hundreds of jobs arrive, a node that takes an allocation from many of them gets a few
   * messages instead of one per commit; a lone job is pushed as soon as it commits.
   */
  private pushSoon(nodeId: string): void {
    const interval = this.deps.config.pushIntervalMs;
    const last = this.pushedAt.get(nodeId);
    if (
      interval === 0 ||
      (!this.pushDue.has(nodeId) && (last === undefined || performance.now() - last >= interval))
    ) {
      this.pushAllocs(nodeId);
      return;
    }
    this.pushDue.add(nodeId);
    if (this.pushTimer) return;
    this.pushTimer = setTimeout(() => {
      // Like every push, under the lock: a node's hello must not be overtaken half way.
      void this.mutex
        .run(async () => {
          this.pushTimer = null;
          const due = [...this.pushDue];
          this.pushDue.clear();
          for (const id of due) this.pushAllocs(id);
        })
        .catch((err: unknown) => this.deps.logger.error({ err }, "pushing to agents failed"));
    }, interval);
    this.pushTimer.unref();
  }

  /** Sends a node the complete set of allocations it must run or stop. */
  private pushAllocs(nodeId: string): void {
    const session = this.sessions.get(nodeId);
    if (!session) return;
    const allocs: AgentAlloc[] = [];
    for (const a of this.state.liveAllocsOnNode(nodeId)) {
      const job = this.state.jobs.get(a.jobId);
      allocs.push({
        id: a.id,
        jobId: a.jobId,
        jobName: job?.name ?? a.jobId,
        jobType: a.jobType,
        task: a.task,
        index: a.index,
        taskSpec: a.taskSpec,
        desiredStatus: a.desiredStatus,
        resources: a.resources,
      });
    }
    const msg = this.sync.next(nodeId, allocs);
    if (!msg) return;
    session.sendText(msg.text, "allocs");
    this.pushedAt.set(nodeId, performance.now());
  }

  /** Gauges are refreshed at most once a second (from counts the state keeps as it changes). */
  private refreshGauges(): void {
    if (this.gaugeTimer) return;
    this.gaugeTimer = setTimeout(() => {
      this.gaugeTimer = null;
      this.updateGauges();
    }, 1000);
    this.gaugeTimer.unref();
  }

  /** Recomputes the node and allocation gauges now (also done before every scrape). */
  updateGauges(): void {
    const m = this.deps.metrics;
    m.nodes.reset();
    for (const { status, site, n } of this.state.nodeCountsByStatusAndSite())
      if (n > 0) m.nodes.set({ status, site }, n);
    m.allocations.reset();
    for (const [status, n] of this.state.allocCountsByStatus())
      if (n > 0) m.allocations.set({ status }, n);
  }
}
