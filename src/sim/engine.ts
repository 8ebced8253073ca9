import type { NodeStatus } from "../model/index.js";
import { type Random, seededRandom, seedFrom } from "../scheduler/random.js";
import { buildCluster, type SimCluster, type SimNode, selectNodes, withStatus } from "./cluster.js";
import { exponential, sampler } from "./dist.js";
import { EventQueue } from "./event-queue.js";
import { failurePlan } from "./failure-plan.js";
import { shapeOf } from "./job-shape.js";
import { LoadIndex } from "./load-index.js";
import { cdf, mean, quantile, round6, Samples } from "./metrics.js";
import { Network } from "./network.js";
import { type JobShape, pipelinePolicy } from "./pipeline.js";
import { baselinePolicy, type Policy, type PolicyEnv } from "./policies.js";
import type { PolicyDetail, PolicyResult, SimInputs, SimOptions } from "./result.js";
import {
  isTaskWorkload,
  type Scenario,
  type TaskWorkload,
  type WorkflowWorkload,
} from "./scenario.js";
import type { Instance, SimTask, WorkflowRun } from "./task.js";
import { planWorkflowRun, workflowRun } from "./workflow-run.js";

/**
 * The simulated world of one run: a virtual clock and an event queue over the scenario's
 * nodes, one placement policy, the network, failures and the metrics. `run()` returns the
 * result; everything is deterministic for the scenario's seed.
 */
export class Simulation {
  readonly cluster: SimCluster;
  private readonly q = new EventQueue();
  now = 0;
  private readonly load: LoadIndex;
  private readonly network: Network;
  private readonly policy: Policy;
  private readonly queues: Instance[][];
  private readonly heads: number[];
  private readonly pinnedQ: Instance[][];
  private readonly pinnedTo: Set<Instance>[];
  private readonly crashedAt: Float64Array;
  /** Bumped per crash and per recovery: a stale detection event is ignored. */
  private readonly crashEpoch: Int32Array;
  private readonly detected: Uint8Array;
  private readonly partitionEpoch: number[];
  private readonly stop: number;
  private readonly failRandom: Random;
  private readonly shapes: JobShape[];
  private nextTaskId = 0;
  /** Instances in the workload queues (not yet past their queue's head). */
  private queued = 0;
  private nextWorkflowId = 0;
  // metrics
  private tasks = 0;
  private completed = 0;
  private requests = 0;
  private misses = 0;
  private reschedules = 0;
  private recoverySum = 0;
  private recoveryCount = 0;
  private readonly latencies = new Samples();
  private readonly makespans: number[] = [];
  private readonly binSec: number;
  private readonly missBins: number[];
  private readonly arrivalBins: number[];
  private readonly sampleTimes: number[] = [];
  private readonly siteSeries: number[][];
  private readonly failureMarks: { at: number; label: string }[] = [];
  private events = 0;
  private readonly unsettled = new Set<SimTask>();

  constructor(
    readonly scenario: Scenario,
    private readonly inputs: SimInputs,
    private readonly options: SimOptions,
  ) {
    this.cluster = buildCluster(scenario);
    const n = this.cluster.nodes.length;
    // Least-loaded answers are needed only by the policies that rank by load.
    const byLoad = options.policy === "least_loaded" || options.policy === "latency_greedy";
    this.load = new LoadIndex(n, byLoad);
    for (const node of this.cluster.nodes) this.updateLoad(node);
    this.network = new Network(this.cluster, (t, fn) => this.q.push(t, 0, fn));
    this.queues = scenario.workloads.map(() => []);
    this.heads = scenario.workloads.map(() => 0);
    this.pinnedQ = this.cluster.nodes.map(() => []);
    this.pinnedTo = this.cluster.nodes.map(() => new Set());
    this.crashedAt = new Float64Array(n);
    this.crashEpoch = new Int32Array(n);
    this.detected = new Uint8Array(n);
    this.partitionEpoch = this.cluster.sites.map(() => 0);
    this.stop = scenario.duration * 2;
    this.failRandom = seededRandom(seedFrom(`${scenario.seed}/task-failures`));
    this.shapes = scenario.workloads.map((w) => shapeOf(w));
    const bins = options.bins ?? 100;
    this.binSec = scenario.duration / bins;
    this.missBins = new Array(bins).fill(0);
    this.arrivalBins = new Array(bins).fill(0);
    this.siteSeries = this.cluster.sites.map(() => []);
    const env: PolicyEnv = {
      cluster: this.cluster,
      load: this.load,
      random: seededRandom(seedFrom(`${scenario.seed}/policy/${options.policy}`)),
      fits: (inst, node) => this.fits(inst, node),
    };
    this.policy =
      baselinePolicy(options.policy, env) ??
      pipelinePolicy(
        options.policy,
        env,
        this.shapes,
        seedFrom(`${scenario.seed}/scheduler/${options.policy}`),
      );
  }

  // ---- the loop -------------------------------------------------------------------------------

  run(): PolicyDetail {
    this.scenario.workloads.forEach((w, i) => {
      this.startArrivals(i, w);
    });
    this.scheduleFailures();
    for (let k = 0; k <= 100; k++) {
      const t = (k * this.scenario.duration) / 100;
      this.q.push(t, 0, () => this.sample());
    }
    const progressEvery = 1 << 16;
    for (;;) {
      const e = this.q.pop();
      if (!e || e.time > this.stop) break;
      this.now = e.time;
      (e.ref as () => void)();
      if (++this.events % progressEvery === 0)
        this.options.onProgress?.(Math.min(1, this.now / this.scenario.duration));
    }
    this.now = Math.min(this.now, this.stop);
    return this.finish();
  }

  private at(time: number, fn: () => void): void {
    this.q.push(time, 0, fn);
  }

  // ---- arrivals -------------------------------------------------------------------------------

  private startArrivals(wl: number, w: Scenario["workloads"][number]): void {
    const random = seededRandom(seedFrom(`${this.scenario.seed}/arrivals/${wl}`));
    const { duration } = this.scenario;
    if (!isTaskWorkload(w)) {
      const every = w.workflow.everySec;
      const next = (t: number) => {
        if (t >= duration) return;
        this.at(t, () => {
          this.startWorkflow(wl, w);
          if (every !== undefined) next(t + every);
        });
      };
      next(0);
      return;
    }
    const work = sampler(w.task.work, seededRandom(seedFrom(`${this.scenario.seed}/work/${wl}`)));
    const origins = selectNodes(this.cluster, w.origin);
    const originRandom = seededRandom(seedFrom(`${this.scenario.seed}/origin/${wl}`));
    const arrive = () => this.arrive(wl, w, work(), origins, originRandom);
    const a = w.arrivals;
    if (a.type === "trace") {
      const times = [...(this.inputs.traces.get(a.file) ?? [])].sort((x, y) => x - y);
      for (const t of times) if (t >= 0 && t < duration) this.at(t, arrive);
      return;
    }
    const gap = () => (a.type === "poisson" ? exponential(random, 1 / a.ratePerSec) : a.everySec);
    // One pending arrival per workload keeps the event queue small.
    const next = (t: number) => {
      if (t >= duration) return;
      this.at(t, () => {
        arrive();
        next(t + gap());
      });
    };
    next(a.type === "poisson" ? gap() : 0);
  }

  private arrive(
    wl: number,
    w: TaskWorkload,
    work: number,
    origins: SimNode[],
    random: Random,
  ): void {
    const origin = w.origin.startsWith("site:")
      ? undefined
      : origins[Math.floor(random() * origins.length)];
    const originSite = origin ? origin.site : (this.cluster.siteIndex.get(w.origin.slice(5)) ?? 0);
    // A `node:` origin is that node; a `label:`/`all` origin is a device in a matching node's site.
    const originNode = origin && w.origin.startsWith("node:") ? origin.idx : -1;
    const task = this.newTask(wl, work, originSite, originNode);
    task.originTarget = w.origin;
    task.cpu = w.task.cpu;
    task.memory = w.task.memory;
    task.inBytes = w.task.inputBytes;
    task.outBytes = w.task.outputBytes;
    task.failureProb = w.task.failureProb;
    if (w.task.deadlineMs !== undefined) task.deadline = this.now + w.task.deadlineMs / 1000;
    this.requests++;
    bump(this.arrivalBins, this.bin(this.now));
    this.submit(this.instance(task, undefined));
  }

  private newTask(wl: number, work: number, originSite: number, originNode: number): SimTask {
    const task: SimTask = {
      id: this.nextTaskId++,
      wl,
      arrival: this.now,
      work,
      cpu: 0,
      memory: 0,
      inBytes: 0,
      outBytes: 0,
      deadline: Number.POSITIVE_INFINITY,
      failureProb: 0,
      originSite,
      originNode,
      originTarget: undefined,
      done: false,
      settled: false,
      live: [],
      reschedules: 0,
      failedOn: NO_NODES,
      wf: undefined,
      wfIndex: -1,
    };
    this.tasks++;
    this.unsettled.add(task);
    return task;
  }

  private instance(task: SimTask, lostAt: number | undefined): Instance {
    const inst: Instance = {
      task,
      node: -1,
      state: "queued",
      version: 0,
      restarts: 0,
      lostAt,
      queuedAt: this.now,
      pendingInputs: 0,
      pinned: -1,
      holding: false,
    };
    task.live.push(inst);
    return inst;
  }

  // ---- placement ------------------------------------------------------------------------------

  private statusOf(node: SimNode): NodeStatus {
    if (!node.alive && this.detected[node.idx]) return "down";
    if (node.cut || this.cluster.sites[node.site]?.partitioned) return "disconnected";
    return "ready";
  }

  /** Recomputes a node's status; a change is a new `Node` object for the scheduler. */
  private refreshStatus(node: SimNode): void {
    const status = this.statusOf(node);
    if (status !== node.node.status) {
      node.node = withStatus(node.node, status);
      this.policy.invalidate();
    }
    this.updateLoad(node);
  }

  private updateLoad(node: SimNode): void {
    this.load.set(
      node.idx,
      node.node.status === "ready" ? node.held / node.slots : Number.POSITIVE_INFINITY,
    );
  }

  private fits(inst: Instance, node: SimNode): boolean {
    const t = inst.task;
    return (
      node.node.status === "ready" &&
      node.held < node.slots &&
      (t.cpu === 0 || node.used.cpu + t.cpu <= node.node.resources.cpu) &&
      (t.memory === 0 || node.used.memory + t.memory <= node.node.resources.memory) &&
      this.network.reachable(t.originSite, node.site)
    );
  }

  /** A new or replacement instance: place it now if a node takes it, else queue it. */
  private submit(inst: Instance): void {
    inst.state = "queued";
    inst.queuedAt = this.now;
    const q = this.queues[inst.task.wl] as Instance[];
    if (q.length === (this.heads[inst.task.wl] ?? 0)) {
      const n = this.policy.choose(inst);
      if (n >= 0) {
        this.assign(inst, this.cluster.nodes[n] as SimNode);
        return;
      }
    }
    q.push(inst);
    this.queued++;
  }

  /** Places queued instances while nodes have room: per workload, oldest first. */
  private dispatch(): void {
    if (this.queued === 0) return;
    let progress = true;
    while (progress && this.load.freeCount > 0) {
      progress = false;
      for (let wl = 0; wl < this.queues.length; wl++) {
        const q = this.queues[wl] as Instance[];
        let head = this.heads[wl] as number;
        while (head < q.length && this.load.freeCount > 0) {
          const inst = q[head] as Instance;
          if (inst.task.settled || inst.state !== "queued") {
            head++;
            this.queued--;
            continue;
          }
          const n = this.policy.choose(inst);
          if (n < 0) break;
          head++;
          this.queued--;
          progress = true;
          this.assign(inst, this.cluster.nodes[n] as SimNode);
        }
        if (head > 1024 && head * 2 > q.length) {
          q.splice(0, head);
          head = 0;
        }
        this.heads[wl] = head;
      }
    }
  }

  /**
   * Instances holding a slot on the node, in task order. A scan of the live tasks: it runs only
   * on failures, so placing and finishing need no per-node bookkeeping.
   */
  private holdingOn(...nodes: SimNode[]): Instance[] {
    const on = new Set(nodes.map((n) => n.idx));
    const out: Instance[] = [];
    for (const t of this.unsettled)
      for (const inst of t.live) if (inst.holding && on.has(inst.node)) out.push(inst);
    return out;
  }

  private take(inst: Instance, node: SimNode): void {
    inst.node = node.idx;
    node.held++;
    node.used.cpu += inst.task.cpu;
    node.used.memory += inst.task.memory;
    inst.holding = true;
    this.updateLoad(node);
  }

  private release(inst: Instance): void {
    const node = this.cluster.nodes[inst.node];
    if (!node || !inst.holding) return;
    inst.holding = false;
    node.held--;
    node.used.cpu -= inst.task.cpu;
    node.used.memory -= inst.task.memory;
    this.updateLoad(node);
    this.runPinned(node);
    this.dispatch();
  }

  private assign(inst: Instance, node: SimNode): void {
    this.take(inst, node);
    inst.state = "input";
    const version = inst.version;
    const t = inst.task;
    const arrived = () => {
      if (inst.version !== version) return;
      if (--inst.pendingInputs <= 0) this.startExec(inst);
    };
    if (t.wf) {
      const parents = t.wf.parents[t.wfIndex] ?? [];
      inst.pendingInputs = parents.length;
      if (parents.length === 0) this.startExec(inst);
      const n = t.wf.tasks.length;
      for (const p of parents) {
        const from = this.cluster.nodes[t.wf.ranOn[p] ?? -1] ?? node;
        const bytes = t.wf.bytes.get(p * n + t.wfIndex) ?? 0;
        this.network.send(this.now, from.site, from.idx, node.site, node.idx, bytes, arrived);
      }
      return;
    }
    inst.pendingInputs = 1;
    this.network.send(
      this.now,
      t.originSite,
      t.originNode,
      node.site,
      node.idx,
      t.inBytes,
      arrived,
    );
  }

  // ---- execution ------------------------------------------------------------------------------

  private startExec(inst: Instance): void {
    const node = this.cluster.nodes[inst.node] as SimNode;
    if (!node.alive) return; // dead but not yet detected: the loss is handled at detection
    this.account(node);
    node.running++;
    inst.state = "run";
    if (inst.lostAt !== undefined) {
      this.recoverySum += this.now - inst.lostAt;
      this.recoveryCount++;
      inst.lostAt = undefined;
    }
    const t = inst.task;
    const fails = t.failureProb > 0 && this.failRandom() < t.failureProb;
    const version = inst.version;
    this.at(this.now + t.work / node.speed, () => {
      if (inst.version === version) this.execEnd(inst, node, fails);
    });
  }

  private execEnd(inst: Instance, node: SimNode, failed: boolean): void {
    this.account(node);
    node.running--;
    const t = inst.task;
    if (failed) {
      this.failed(inst, node);
      return;
    }
    if (t.done) {
      this.over(inst);
      return;
    }
    if (t.wf) {
      this.over(inst);
      this.finishWorkflowTask(t, node);
      return;
    }
    inst.state = "output";
    this.release(inst);
    const version = inst.version;
    this.network.send(this.now, node.site, node.idx, t.originSite, t.originNode, t.outBytes, () => {
      if (inst.version === version) this.deliver(inst);
    });
  }

  /** An execution failed: restart on the node (restart policy), else reschedule elsewhere. */
  private failed(inst: Instance, node: SimNode): void {
    const p = this.scenario.jobPolicies;
    const t = inst.task;
    if (inst.restarts < p.restartAttempts) {
      const delay = p.restartDelaySec * 2 ** inst.restarts;
      inst.restarts++;
      inst.state = "ready";
      const version = inst.version;
      this.at(this.now + delay, () => {
        if (inst.version === version) this.startExec(inst);
      });
      return;
    }
    t.failedOn = [...t.failedOn, node.name];
    this.over(inst);
    if (t.reschedules < p.rescheduleAttempts) {
      t.reschedules++;
      this.reschedules++;
      const next = this.instance(t, this.now);
      this.at(this.now + p.rescheduleDelaySec, () => {
        if (!t.settled) this.submit(next);
      });
      return;
    }
    if (t.live.length === 0) this.settle(t, false);
  }

  /** The instance is finished with (completed, failed, lost or cancelled): free its slot. */
  private over(inst: Instance): void {
    inst.version++;
    inst.state = "over";
    const i = inst.task.live.indexOf(inst);
    if (i >= 0) inst.task.live.splice(i, 1);
    this.release(inst);
  }

  private deliver(inst: Instance): void {
    const t = inst.task;
    inst.state = "over";
    const i = t.live.indexOf(inst);
    if (i >= 0) t.live.splice(i, 1);
    if (t.done) return;
    this.settle(t, true);
  }

  /** A task is finished for good: completed or failed; other instances are stopped. */
  private settle(t: SimTask, ok: boolean): void {
    if (t.settled) return;
    t.settled = true;
    t.done = ok;
    this.unsettled.delete(t);
    for (const other of [...t.live]) this.over(other);
    if (ok) this.completed++;
    if (t.wf) return;
    const latency = this.now - t.arrival;
    if (ok) this.latencies.push(latency);
    if (!ok || this.now > t.deadline + 1e-12) {
      this.misses++;
      bump(this.missBins, this.bin(t.arrival));
    }
  }

  // ---- workflows ------------------------------------------------------------------------------

  private startWorkflow(wl: number, w: WorkflowWorkload): void {
    const wf = this.inputs.workflows.get(w.workflow.wfformat);
    if (!wf) throw new Error(`workflow ${w.workflow.wfformat} was not loaded`);
    const origin = w.origin?.startsWith("site:")
      ? (this.cluster.siteIndex.get(w.origin.slice(5)) ?? 0)
      : 0;
    const run = workflowRun(this.nextWorkflowId++, wl, this.now, wf);
    for (const t of wf.tasks) {
      const task = this.newTask(wl, t.runtime, origin, -1);
      task.cpu = w.workflow.cpu;
      task.memory = w.workflow.memory;
      task.wf = run;
      task.wfIndex = run.tasks.length;
      run.tasks.push(task);
    }
    const insts = run.tasks.map((t) => this.instance(t, undefined));
    if (this.policy.name === "brink") {
      const plan = planWorkflowRun(
        run,
        wf,
        this.cluster,
        seedFrom(`${this.scenario.seed}/wf/${run.id}`),
      );
      plan.forEach((node, i) => {
        const inst = insts[i] as Instance;
        if (node < 0) return;
        inst.pinned = node;
        inst.pendingInputs = run.parents[i]?.length ?? 0;
        this.pinnedTo[node]?.add(inst);
      });
    }
    insts.forEach((inst, i) => {
      if ((run.parents[i]?.length ?? 0) > 0) return;
      if (inst.pinned >= 0) this.readyPinned(inst);
      else this.submit(inst);
    });
  }

  private finishWorkflowTask(t: SimTask, node: SimNode): void {
    const run = t.wf as WorkflowRun;
    const i = t.wfIndex;
    run.ranOn[i] = node.idx;
    run.finishedAt[i] = this.now;
    this.settle(t, true);
    if (--run.remaining === 0) {
      run.finishedTime = this.now;
      this.makespans.push(this.now - run.arrival);
    }
    const n = run.tasks.length;
    for (const c of run.children[i] ?? []) {
      const child = run.tasks[c] as SimTask;
      run.remainingParents[c] = (run.remainingParents[c] as number) - 1;
      const inst = child.live[0];
      if (!inst || child.settled) continue;
      if (inst.pinned >= 0) {
        // The plan knows where the child runs: push the data there now.
        const to = this.cluster.nodes[inst.pinned] as SimNode;
        const version = inst.version;
        const bytes = run.bytes.get(i * n + c) ?? 0;
        this.network.send(this.now, node.site, node.idx, to.site, to.idx, bytes, () => {
          if (inst.version !== version || inst.pinned < 0) return;
          inst.pendingInputs--;
          this.readyPinned(inst);
        });
      } else if (run.remainingParents[c] === 0 && inst.state === "queued") this.submit(inst);
    }
    const next = run.slotNext[i] ?? -1;
    if (next >= 0) {
      const inst = run.tasks[next]?.live[0];
      if (inst && inst.pinned >= 0) this.readyPinned(inst);
    }
  }

  /** A planned task runs on its node once its inputs are there and its slot predecessor is done. */
  private readyPinned(inst: Instance): void {
    const t = inst.task;
    const run = t.wf as WorkflowRun;
    if (inst.state !== "queued" || inst.pinned < 0 || inst.pendingInputs > 0) return;
    if ((run.remainingParents[t.wfIndex] as number) > 0) return;
    const prev = run.slotPrev[t.wfIndex] ?? -1;
    if (prev >= 0 && !run.tasks[prev]?.done) return;
    inst.state = "ready";
    const node = this.cluster.nodes[inst.pinned] as SimNode;
    this.pinnedQ[node.idx]?.push(inst);
    this.runPinned(node);
  }

  private runPinned(node: SimNode): void {
    const q = this.pinnedQ[node.idx] as Instance[];
    while (q.length > 0 && node.node.status === "ready" && node.held < node.slots) {
      const inst = q[0] as Instance;
      const t = inst.task;
      const fitsCpu = t.cpu === 0 || node.used.cpu + t.cpu <= node.node.resources.cpu;
      const fitsMem = t.memory === 0 || node.used.memory + t.memory <= node.node.resources.memory;
      if (!fitsCpu || !fitsMem) break;
      q.shift();
      if (inst.pinned !== node.idx || inst.state !== "ready") continue;
      this.pinnedTo[node.idx]?.delete(inst);
      this.take(inst, node);
      this.startExec(inst);
    }
  }

  /** The planned node is gone: planned tasks not yet running are placed live instead. */
  private unpin(node: SimNode): void {
    for (const inst of this.pinnedTo[node.idx] ?? []) {
      inst.pinned = -1;
      inst.version++;
      const t = inst.task;
      if (inst.state === "ready") inst.state = "queued";
      if (inst.state === "queued" && (t.wf?.remainingParents[t.wfIndex] ?? 0) === 0)
        this.submit(inst);
    }
    this.pinnedTo[node.idx]?.clear();
    (this.pinnedQ[node.idx] as Instance[]).length = 0;
  }

  // ---- failures -------------------------------------------------------------------------------

  /** Puts the scenario's failures on the event queue (see `failurePlan`). */
  private scheduleFailures(): void {
    for (const a of failurePlan(this.scenario, this.cluster)) {
      this.at(a.at, () => {
        // One node: marked only if it was alive; a group: marked once.
        const one = a.nodes.length === 1;
        if (a.label && !one) this.mark(a.label);
        for (const n of a.nodes) {
          if (a.kind === "crash") this.crash(n, one ? a.label : undefined);
          else if (a.kind === "recover") this.recover(n);
          else this.cutNode(n, a.kind === "cut");
        }
        if (a.site !== undefined) this.partition(a.site, a.kind === "partition");
      });
    }
  }

  private mark(label: string): void {
    this.failureMarks.push({ at: this.now, label });
  }

  /** The machine dies: its work stops now; the control plane notices after the detection delay. */
  private crash(node: SimNode, label: string | undefined): void {
    if (!node.alive) return;
    if (label) this.mark(label);
    this.account(node);
    node.alive = false;
    node.running = 0;
    this.crashedAt[node.idx] = this.now;
    for (const inst of this.holdingOn(node)) inst.version++;
    const epoch = bump(this.crashEpoch, node.idx);
    const p = this.scenario.jobPolicies;
    // A witness in the site (another live, connected node) confirms at once; else the grace period.
    const witness = this.cluster.nodes
      .slice(this.cluster.sites[node.site]?.start, this.cluster.sites[node.site]?.end)
      .some((n) => n !== node && n.alive && !n.cut && !this.cluster.sites[n.site]?.partitioned);
    this.at(this.now + (witness ? p.detectSec : p.graceSec), () => {
      if (this.crashEpoch[node.idx] === epoch) this.detectDown(node);
    });
  }

  /** The node is judged down: its allocations are lost and replaced elsewhere. */
  private detectDown(node: SimNode): void {
    if (this.detected[node.idx]) return;
    this.detected[node.idx] = 1;
    this.refreshStatus(node);
    this.unpin(node);
    const lost = this.holdingOn(node);
    for (const inst of lost) {
      const t = inst.task;
      inst.version++;
      inst.state = "over";
      inst.holding = false;
      t.live.splice(t.live.indexOf(inst), 1);
      if (t.settled) continue;
      t.failedOn = [...t.failedOn, node.name];
      this.reschedules++;
      this.submit(this.instance(t, this.crashedAt[node.idx]));
    }
    node.held = 0;
    node.used.cpu = 0;
    node.used.memory = 0;
    this.updateLoad(node);
  }

  private recover(node: SimNode): void {
    if (node.alive) return;
    // Back before it was judged down: the agent says hello with no allocations, so they are lost.
    if (!this.detected[node.idx]) this.detectDown(node);
    bump(this.crashEpoch, node.idx);
    node.alive = true;
    node.lastT = Math.min(this.now, this.scenario.duration);
    this.detected[node.idx] = 0;
    this.refreshStatus(node);
    this.runPinned(node);
    this.dispatch();
  }

  private partition(site: number, on: boolean): void {
    const s = this.cluster.sites[site];
    if (!s || s.partitioned === on) return;
    s.partitioned = on;
    if (on) this.mark(`site ${s.name} partitioned`);
    const epoch = bump(this.partitionEpoch, site);
    this.network.partitionChanged(this.now);
    const nodes = this.cluster.nodes.slice(s.start, s.end);
    for (const n of nodes) this.refreshStatus(n);
    if (!on) for (const n of nodes) this.runPinned(n);
    if (on) {
      this.at(this.now + this.scenario.jobPolicies.lostAfterSec, () => {
        if (this.partitionEpoch[site] === epoch) this.replaceCutOff(nodes);
      });
    } else this.dispatch();
  }

  private cutNode(node: SimNode, on: boolean): void {
    if (node.cut === on) return;
    node.cut = on;
    if (on) this.mark(`${node.name} disconnected`);
    this.refreshStatus(node);
    const epoch = bump(this.crashEpoch, node.idx);
    if (on) {
      this.at(this.now + this.scenario.jobPolicies.lostAfterSec, () => {
        if (this.crashEpoch[node.idx] === epoch && node.cut) this.replaceCutOff([node]);
      });
    } else this.dispatch();
  }

  /**
   * `disconnect.lostAfter` passed with the nodes still cut off: their work is replaced elsewhere.
   * The originals keep running; whichever instance delivers first completes the task and the
   * other is stopped (Brink's `keep_original` decides at heal; here the race decides earlier).
   */
  private replaceCutOff(nodes: SimNode[]): void {
    for (const inst of this.holdingOn(...nodes)) {
      const t = inst.task;
      if (t.settled || t.live.length > 1) continue;
      this.reschedules++;
      this.submit(this.instance(t, this.now));
    }
  }

  // ---- accounting -----------------------------------------------------------------------------

  /** Adds the node's busy slot-time and energy since it was last accounted (within the duration). */
  private account(node: SimNode): void {
    const t = Math.min(this.now, this.scenario.duration);
    const dt = t - node.lastT;
    if (dt > 0) {
      if (node.alive) {
        node.busySlotSec += node.running * dt;
        node.energyJ += (node.idleW + ((node.busyW - node.idleW) * node.running) / node.slots) * dt;
      }
      node.lastT = t;
    }
  }

  private bin(t: number): number {
    return Math.min(this.missBins.length - 1, Math.max(0, Math.floor(t / this.binSec)));
  }

  private sample(): void {
    this.sampleTimes.push(this.now);
    this.cluster.sites.forEach((s, i) => {
      let running = 0;
      for (let n = s.start; n < s.end; n++) running += this.cluster.nodes[n]?.running ?? 0;
      this.siteSeries[i]?.push(s.slots > 0 ? running / s.slots : 0);
    });
  }

  private finish(): PolicyDetail {
    const { duration } = this.scenario;
    this.now = Math.max(this.now, duration);
    for (const t of this.unsettled) {
      if (t.wf) continue;
      this.misses++;
      bump(this.missBins, this.bin(t.arrival));
    }
    let busy = 0;
    let slots = 0;
    let energy = 0;
    const energyBySite = this.cluster.sites.map((s) => ({ site: s.name, joules: 0 }));
    for (const node of this.cluster.nodes) {
      this.account(node);
      busy += node.busySlotSec;
      slots += node.slots;
      energy += node.energyJ;
      const e = energyBySite[node.site];
      if (e) e.joules += node.energyJ;
    }
    const sorted = this.latencies.sorted();
    const result: PolicyResult = {
      policy: this.options.policy,
      tasks: this.tasks,
      completed: this.completed,
      failed: this.tasks - this.completed,
      meanLatency: round6(mean(sorted)),
      p50Latency: round6(quantile(sorted, 0.5)),
      p95Latency: round6(quantile(sorted, 0.95)),
      p99Latency: round6(quantile(sorted, 0.99)),
      deadlineMissRate: round6(this.requests === 0 ? 0 : this.misses / this.requests),
      utilization: round6(slots === 0 ? 0 : busy / (slots * duration)),
      energyJ: round6(energy),
      networkBytes: this.network.bytes,
      reschedules: this.reschedules,
      meanRecoverySec: round6(this.recoveryCount === 0 ? 0 : this.recoverySum / this.recoveryCount),
      workflowMakespans: this.makespans.map(round6),
    };
    return {
      result,
      latencyCdf: cdf(sorted).map(([x, q]) => [round6(x), q]),
      sampleTimes: this.sampleTimes,
      siteUtilization: this.cluster.sites.map((s, i) => ({
        site: s.name,
        values: (this.siteSeries[i] ?? []).map(round6),
      })),
      binSec: this.binSec,
      misses: this.missBins,
      arrivals: this.arrivalBins,
      failures: this.failureMarks,
      energyBySite: energyBySite.map((e) => ({ site: e.site, joules: round6(e.joules) })),
      events: this.events,
    };
  }
}

/** Shared empty list: most tasks never fail anywhere. */
const NO_NODES: readonly string[] = [];

/** Adds one to `xs[i]` and returns the new value. */
function bump(xs: { [i: number]: number }, i: number): number {
  xs[i] = (xs[i] ?? 0) + 1;
  return xs[i] as number;
}

export type { PolicyDetail, PolicyResult, SimInputs, SimOptions } from "./result.js";

/** Runs one policy over a scenario. */
export function simulate(scenario: Scenario, inputs: SimInputs, options: SimOptions): PolicyDetail {
  return new Simulation(scenario, inputs, options).run();
}
