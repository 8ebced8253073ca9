import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Allocation,
  type Constraint,
  constraintHolds,
  type GpuRequest,
  gpuDeviceId,
  type Job,
  type Node,
  type TaskSpec,
} from "../model/index.js";
import { testJob, testNode } from "./fixtures.test-util.js";
import { type Plan, planAllocations } from "./plan.js";
import { scheduleJob } from "./schedule.js";
import { buildSnapshot, holdsResources } from "./snapshot.js";

/*
 * Property tests of `scheduleJob` on random heterogeneous clusters. Each case builds a cluster,
 * lets a few other jobs (random priorities, some with GPUs) take resources by running the real
 * scheduler (so what they hold fits), optionally places an earlier version of the job under test,
 * then changes node statuses (down, initializing, drained) and schedules the job under test.
 * The invariants are checked on the resulting state: existing allocations minus the plan's
 * preemptions and stops, plus its updates and placements.
 */

const RUNS = 200;
const ZONES = ["a", "b", "c"] as const;
const TIERS = ["web", "db", "edge"] as const;
const SITES = ["s0", "s1", "s2", "s3", "s4"] as const;

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

// ---- arbitraries ------------------------------------------------------------------------------

const gpuInfoArb = fc.record({
  model: fc.constantFrom("NVIDIA A100", "Tesla T4"),
  memory: fc.constantFrom(16_000, 40_000, 80_000),
  uuid: fc.option(fc.constantFrom("GPU-x", "GPU-y"), { nil: undefined }),
});

const nodeArb = fc.record({
  cpu: fc.integer({ min: 1, max: 16 }).map((x) => x * 500),
  memory: fc.integer({ min: 1, max: 32 }).map((x) => x * 512),
  disk: fc.integer({ min: 1, max: 20 }).map((x) => x * 5_000),
  zone: fc.constantFrom(...ZONES),
  tier: fc.option(fc.constantFrom(...TIERS), { nil: undefined }),
  site: fc.constantFrom(...SITES),
  // About two nodes in three can take new work.
  status: fc.oneof(
    { weight: 8, arbitrary: fc.constant("ready") },
    { weight: 1, arbitrary: fc.constantFrom("down", "initializing") },
  ),
  eligible: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
  drivers: fc.oneof({ weight: 9, arbitrary: fc.constant(["exec"]) }, fc.constant<string[]>([])),
  // Device ids must be unique per node: uuids are made unique when the node is built.
  gpus: fc.oneof(
    { weight: 2, arbitrary: fc.constant<ValueOf<typeof gpuInfoArb>[]>([]) },
    { weight: 1, arbitrary: fc.array(gpuInfoArb, { minLength: 1, maxLength: 4 }) },
  ),
});
type NodeSeed = ValueOf<typeof nodeArb>;

function buildNode(s: NodeSeed, i: number): Node {
  const labels: Record<string, string> = { "brink/site": s.site, zone: s.zone };
  if (s.tier !== undefined) labels.tier = s.tier;
  return testNode(`n${i}`, {
    site: s.site,
    status: s.status as Node["status"],
    eligible: s.eligible,
    labels,
    resources: { cpu: s.cpu, memory: s.memory, disk: s.disk },
    drivers: [...s.drivers],
    gpus: s.gpus.map((g, k) => ({
      model: g.model,
      memory: g.memory,
      ...(g.uuid === undefined ? {} : { uuid: `${g.uuid}-${i}-${k}` }),
    })),
  });
}

const CONSTRAINTS: Constraint[] = [
  { key: "zone", op: "in", values: ["a", "b"] },
  { key: "zone", op: "!=", value: "c" },
  { key: "tier", op: "exists" },
  { key: "tier", op: "notexists" },
  { key: "tier", op: "=", value: "web" },
  { key: "brink/site", op: "notin", values: ["s0"] },
  { key: "brink/site", op: "in", values: ["s1", "s2", "s3"] },
];
const AFFINITIES = [
  { key: "zone", op: "=" as const, value: "a", weight: 50 },
  { key: "tier", op: "=" as const, value: "db", weight: -40 },
  { key: "brink/site", op: "in" as const, values: ["s0", "s1"], weight: 100 },
];
const SPREADS = [
  { key: "zone" },
  { key: "brink/site" },
  { key: "zone", targets: { a: 60, b: 30 } },
  { key: "tier", weight: 80 },
];

const gpuArb = fc.record({
  count: fc.integer({ min: 1, max: 2 }),
  model: fc.option(fc.constantFrom("A100", "T4", "a100|t4"), { nil: undefined }),
  memory: fc.option(fc.constantFrom(16_000, 40_000), { nil: undefined }),
});

const taskArb = fc.record({
  count: fc.integer({ min: 0, max: 8 }),
  cpu: fc.integer({ min: 1, max: 8 }).map((x) => x * 250),
  memory: fc.integer({ min: 1, max: 16 }).map((x) => x * 256),
  disk: fc.option(
    fc.integer({ min: 1, max: 10 }).map((x) => x * 1_000),
    { nil: undefined },
  ),
  gpu: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: gpuArb }),
  constraints: fc.subarray(CONSTRAINTS, { maxLength: 2 }),
  affinities: fc.subarray(AFFINITIES, { maxLength: 2 }),
  spread: fc.subarray(SPREADS, { maxLength: 1 }),
  distinctHosts: fc.boolean(),
});
type TaskSeed = ValueOf<typeof taskArb>;

const jobArb = fc.record({
  type: fc.constantFrom("service", "service", "batch", "system"),
  priority: fc.integer({ min: 1, max: 100 }),
  preemption: fc.boolean(),
  algorithm: fc.constantFrom("binpack", "spread"),
  constraints: fc.subarray(CONSTRAINTS, { maxLength: 1 }),
  affinities: fc.subarray(AFFINITIES, { maxLength: 1 }),
  spread: fc.subarray(SPREADS, { maxLength: 1 }),
  distinctHosts: fc.constantFrom(false, false, false, true),
  tasks: fc.array(taskArb, { minLength: 1, maxLength: 2 }),
});
type JobSeed = ValueOf<typeof jobArb>;

function taskSpec(t: TaskSeed, i: number) {
  return {
    name: `t${i}`,
    driver: "exec",
    config: { command: "/bin/true" },
    count: t.count,
    resources: {
      cpu: t.cpu,
      memory: t.memory,
      ...(t.disk === undefined ? {} : { disk: t.disk }),
      ...(t.gpu === undefined ? {} : { gpu: stripUndefined(t.gpu) }),
    },
    constraints: t.constraints,
    affinities: t.affinities,
    spread: t.spread,
    distinctHosts: t.distinctHosts,
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function buildJob(name: string, s: JobSeed, version = 1, priority = s.priority): Job {
  return testJob(
    {
      name,
      type: s.type,
      priority,
      constraints: s.constraints,
      affinities: s.affinities,
      spread: s.spread,
      distinctHosts: s.distinctHosts,
      scheduling: { algorithm: s.algorithm, preemption: s.preemption },
      tasks: s.tasks.map(taskSpec),
    },
    version,
  );
}

const scenarioArb = fc.record({
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 24, size: "medium" }),
  others: fc.array(jobArb, { maxLength: 4 }),
  job: jobArb,
  /** Priority of an earlier version of the job placed before (none: a fresh job). */
  earlier: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  /** The earlier version had different task counts (a scale change). */
  rescale: fc.boolean(),
});
type ScenarioSeed = ValueOf<typeof scenarioArb>;

/** A crowded cluster and a high-priority job that may preempt: evictions are common here. */
const crowdedArb = fc.record({
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 12 }),
  others: fc.array(jobArb, { minLength: 3, maxLength: 6 }),
  job: jobArb.map((j) => ({ ...j, preemption: true, priority: 40 + (j.priority % 61) })),
  earlier: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  rescale: fc.boolean(),
});

// ---- building a scenario ----------------------------------------------------------------------

const NOW = "2026-01-01T12:00:00.000Z";
const hourAt = (h: number) => `2026-01-01T${String(h).padStart(2, "0")}:00:00.000Z`;

function sequence(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/** Applies a plan as the server would: placed allocations run and hold their resources. */
function apply(state: Map<string, Allocation>, plan: Plan): void {
  for (const a of planAllocations(plan)) {
    const running = a.nodeId !== null && a.desiredStatus === "run";
    state.set(a.id, running && a.status === "pending" ? { ...a, status: "running" } : a);
  }
}

interface Scenario {
  nodes: Node[];
  job: Job;
  allocs: Allocation[];
  evalId: string;
}

function buildScenario(seed: ScenarioSeed): Scenario {
  const nodes = seed.nodes.map(buildNode);
  // Earlier work was placed while every node was up and eligible.
  const before = nodes.map((n) => ({ ...n, status: "ready" as const, eligible: true }));
  const state = new Map<string, Allocation>();
  const schedule = (job: Job, h: number) => {
    const all = [...state.values()];
    const plan = scheduleJob({
      job,
      allocs: all.filter((a) => a.jobId === job.id),
      snapshot: buildSnapshot(before, all),
      evalId: `setup-${job.id}-${h}`,
      now: hourAt(h),
      newId: sequence(`${job.name}-v${job.version}`),
    });
    apply(state, plan);
  };
  seed.others.forEach((o, k) => {
    schedule(buildJob(`other${k}`, o), k + 1);
  });
  if (seed.earlier !== undefined) {
    const tasks = seed.rescale
      ? seed.job.tasks.map((t) => ({ ...t, count: (t.count + 3) % 9 }))
      : seed.job.tasks;
    schedule(buildJob("target", { ...seed.job, tasks }, 1, seed.earlier), 8);
  }
  const job = buildJob("target", seed.job, seed.earlier === undefined ? 1 : 2);
  return { nodes, job, allocs: [...state.values()], evalId: "eval-target" };
}

function run(s: Scenario): Plan {
  return scheduleJob({
    job: s.job,
    allocs: s.allocs.filter((a) => a.jobId === s.job.id),
    snapshot: buildSnapshot(s.nodes, s.allocs),
    evalId: s.evalId,
    now: NOW,
    newId: sequence("new"),
  });
}

// ---- the oracle -------------------------------------------------------------------------------

/** Allocations holding resources once the plan is applied. */
function resultingState(s: Scenario, plan: Plan): Map<string, Allocation> {
  const out = new Map<string, Allocation>();
  for (const a of s.allocs) if (holdsResources(a)) out.set(a.id, a);
  for (const a of [...plan.preempt, ...plan.stop]) out.delete(a.id);
  for (const a of plan.update) out.set(a.id, a);
  for (const a of plan.place) if (a.nodeId !== null) out.set(a.id, a);
  return out;
}

function gpuMatches(node: Node, device: string, req: GpuRequest): boolean {
  const k = node.gpus.findIndex((g, i) => gpuDeviceId(g, i) === device);
  const gpu = node.gpus[k];
  if (!gpu) return false;
  if (req.model !== undefined && !new RegExp(req.model, "i").test(gpu.model)) return false;
  return req.memory === undefined || gpu.memory >= req.memory;
}

function taskOf(job: Job, name: string): TaskSpec {
  const task = job.spec.tasks.find((t) => t.name === name);
  if (!task) throw new Error(`no task ${name}`);
  return task;
}

/** Failures of the resulting state (empty when every invariant holds). */
function violations(s: Scenario, plan: Plan): string[] {
  const bad: string[] = [];
  const nodes = new Map(s.nodes.map((n) => [n.id, n]));
  const result = resultingState(s, plan);
  // Capacity and devices per node.
  const perNode = new Map<string, Allocation[]>();
  for (const a of result.values()) {
    const list = perNode.get(a.nodeId as string) ?? [];
    list.push(a);
    perNode.set(a.nodeId as string, list);
  }
  for (const [nodeId, list] of perNode) {
    const node = nodes.get(nodeId);
    if (!node) {
      bad.push(`allocation on unknown node ${nodeId}`);
      continue;
    }
    for (const dim of ["cpu", "memory", "disk"] as const) {
      const sum = list.reduce((t, a) => t + a.resources[dim], 0);
      if (sum > node.resources[dim]) bad.push(`${nodeId} over-committed ${dim}: ${sum}`);
    }
    const known = new Set(node.gpus.map((g, i) => gpuDeviceId(g, i)));
    const taken = new Set<string>();
    for (const a of list) {
      for (const d of a.devices) {
        if (!known.has(d)) bad.push(`${a.id} holds unknown device ${d} on ${nodeId}`);
        if (taken.has(d)) bad.push(`device ${d} on ${nodeId} double-booked`);
        taken.add(d);
      }
    }
  }
  // New placements: node state, driver, constraints, GPUs.
  for (const a of plan.place) {
    if (a.nodeId === null) continue;
    const node = nodes.get(a.nodeId);
    const task = taskOf(s.job, a.task);
    if (!node) continue;
    if (node.status !== "ready" || !node.eligible) bad.push(`${a.id} on unready ${node.id}`);
    if (!node.drivers.includes(task.driver)) bad.push(`${a.id} on ${node.id} without driver`);
    for (const c of [...s.job.spec.constraints, ...task.constraints]) {
      if (!constraintHolds(c, node.labels)) bad.push(`${a.id} breaks ${JSON.stringify(c)}`);
    }
    const gpu = task.resources.gpu;
    if ((gpu?.count ?? 0) !== a.devices.length) bad.push(`${a.id} has ${a.devices.length} GPUs`);
    if (gpu && !a.devices.every((d) => gpuMatches(node, d, gpu)))
      bad.push(`${a.id} got a GPU that does not match ${JSON.stringify(gpu)}`);
  }
  // Distinct hosts over the job's resulting instances.
  const mine = [...result.values()].filter((a) => a.jobId === s.job.id);
  const seen = new Set<string>();
  for (const a of mine) {
    const task = taskOf(s.job, a.task);
    const scope = s.job.spec.distinctHosts ? "job" : task.distinctHosts ? a.task : null;
    if (scope === null) continue;
    const key = `${scope}@${a.nodeId}`;
    if (seen.has(key)) bad.push(`distinct hosts (${scope}) broken on ${a.nodeId}`);
    seen.add(key);
  }
  return bad;
}

/** Could `task` be placed on `node` given what `result` holds there (ignoring preemption)? */
function fitsOn(s: Scenario, result: readonly Allocation[], task: TaskSpec, node: Node): boolean {
  if (node.status !== "ready" || !node.eligible || !node.drivers.includes(task.driver))
    return false;
  const hard = [...s.job.spec.constraints, ...task.constraints];
  if (!hard.every((c) => constraintHolds(c, node.labels))) return false;
  const here = result.filter((a) => a.nodeId === node.id);
  const mine = here.filter((a) => a.jobId === s.job.id);
  if (s.job.spec.distinctHosts && mine.length > 0) return false;
  if (task.distinctHosts && mine.some((a) => a.task === task.name)) return false;
  const used = (dim: "cpu" | "memory" | "disk") => here.reduce((t, a) => t + a.resources[dim], 0);
  if (used("cpu") + task.resources.cpu > node.resources.cpu) return false;
  if (used("memory") + task.resources.memory > node.resources.memory) return false;
  if (used("disk") + (task.resources.disk ?? 0) > node.resources.disk) return false;
  const gpu = task.resources.gpu;
  if (!gpu) return true;
  const held = new Set(here.flatMap((a) => a.devices));
  const free = node.gpus
    .map((g, i) => gpuDeviceId(g, i))
    .filter((d) => !held.has(d) && gpuMatches(node, d, gpu));
  return free.length >= gpu.count;
}

/** A node of the resulting state that could still take `task`, if any. */
function someNodeFits(s: Scenario, plan: Plan, task: TaskSpec): string | null {
  const result = [...resultingState(s, plan).values()];
  return s.nodes.find((node) => fitsOn(s, result, task, node))?.id ?? null;
}

/** Evictions: only running work of other jobs with a lower priority, none if the job says so. */
function checkPreemption(s: Scenario, plan: Plan): void {
  const before = new Map(s.allocs.map((a) => [a.id, a]));
  if (!s.job.spec.scheduling.preemption) expect(plan.preempt).toEqual([]);
  for (const v of plan.preempt) {
    const was = before.get(v.id);
    expect(was, `preempted unknown ${v.id}`).toBeDefined();
    expect(was && holdsResources(was)).toBe(true);
    expect(v.jobId).not.toBe(s.job.id);
    expect(was?.priority).toBeLessThan(s.job.priority);
    expect(v.desiredStatus).toBe("stop");
  }
}

// ---- properties -------------------------------------------------------------------------------

const property = (
  check: (s: Scenario, plan: Plan) => void,
  arb: fc.Arbitrary<ScenarioSeed> = scenarioArb,
) =>
  fc.assert(
    fc.property(arb, (seed) => {
      const s = buildScenario(seed);
      check(s, run(s));
    }),
    { numRuns: RUNS },
  );

describe("scheduleJob properties", () => {
  it("never over-commits a node, double-books a GPU, or breaks a hard rule", () => {
    property((s, plan) => {
      expect(violations(s, plan)).toEqual([]);
    });
  });

  it("preempts only lower-priority work of other jobs, and only when the job allows it", () => {
    property(checkPreemption);
  });

  it("keeps every invariant on a crowded cluster where a high-priority job evicts", () => {
    property((s, plan) => {
      expect(violations(s, plan)).toEqual([]);
      checkPreemption(s, plan);
    }, crowdedArb);
  });

  it("gives every unplaced instance a reason, and leaves one unplaced only when nothing fits", () => {
    property((s, plan) => {
      for (const a of plan.place) {
        if (a.nodeId !== null) continue;
        expect(a.reasons.length).toBeGreaterThan(0);
        for (const r of a.reasons) expect(r.trim()).not.toBe("");
        expect(plan.unplaced[a.task] ?? []).toContain(a.reasons[0]);
        // Stops and evictions free room after earlier placements were tried; without them the
        // resulting state is at least as full as when this instance was tried.
        if (plan.stop.length === 0 && plan.preempt.length === 0) {
          expect(someNodeFits(s, plan, taskOf(s.job, a.task))).toBeNull();
        }
      }
      for (const reasons of Object.values(plan.unplaced)) {
        expect(reasons.length).toBeGreaterThan(0);
      }
    });
  });

  it("is deterministic for the same evaluation id", () => {
    property((s, plan) => {
      expect(run(s)).toEqual(plan);
    });
  });

  it("runs a system task once on every node that can take it", () => {
    fc.assert(
      fc.property(scenarioArb, (seed) => {
        const s = buildScenario({ ...seed, job: { ...seed.job, type: "system" } });
        const plan = run(s);
        expect(violations(s, plan)).toEqual([]);
        const result = [...resultingState(s, plan).values()].filter((a) => a.jobId === s.job.id);
        for (const task of s.job.spec.tasks) {
          const on = result.filter((a) => a.task === task.name).map((a) => a.nodeId);
          expect(new Set(on).size, `${task.name} twice on a node`).toBe(on.length);
          // As above: without stops and evictions, a node left out must have had no room.
          if (plan.stop.length > 0 || plan.preempt.length > 0) continue;
          const missed = s.nodes.filter(
            (n) => !on.includes(n.id) && fitsOn(s, [...resultingState(s, plan).values()], task, n),
          );
          expect(missed.map((n) => n.id)).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });
});

// ---- regressions of bugs these tests found ------------------------------------------------------

describe("scheduleJob regressions", () => {
  const spec = (count: number) => ({
    name: "scale",
    tasks: [
      {
        name: "t",
        driver: "exec",
        config: { command: "/bin/true" },
        count,
        resources: { cpu: 100 },
      },
    ],
  });

  // Was: sameTask() compared the whole TaskSpec, `count` included, so scaling replaced every
  // running instance.
  it("changing only the count keeps the running instances", () => {
    const nodes = [testNode("a"), testNode("b")];
    const state = new Map<string, Allocation>();
    const first = scheduleJob({
      job: testJob(spec(3)),
      allocs: [],
      snapshot: buildSnapshot(nodes, []),
      evalId: "e1",
      now: NOW,
      newId: sequence("v1"),
    });
    apply(state, first);
    for (const count of [5, 2]) {
      const allocs = [...state.values()];
      const plan = scheduleJob({
        job: testJob(spec(count), 2),
        allocs,
        snapshot: buildSnapshot(nodes, allocs),
        evalId: `e-${count}`,
        now: NOW,
        newId: sequence(`v2-${count}`),
      });
      const stopped = plan.stop.map((a) => a.index).sort();
      expect(stopped).toEqual(count === 5 ? [] : [2]);
      expect(plan.place.map((a) => a.index)).toEqual(count === 5 ? [3, 4] : []);
    }
  });

  // Was: nodeClass() joined labels as `k=v,k=v`, so {tier: "web,zone=a"} and {tier: "web",
  // zone: "a"} shared a class and its cached constraint result.
  it("label values containing separators do not share a node class", () => {
    const good = testNode("good", { labels: { tier: "web", zone: "a" } });
    const bad = testNode("bad", { labels: { tier: "web,zone=a" } });
    const job = testJob({
      name: "c",
      constraints: [{ key: "zone", op: "=", value: "a" }],
      tasks: [
        { name: "t", driver: "exec", config: { command: "/bin/true" }, count: 4, resources: {} },
      ],
    });
    for (const evalId of ["e1", "e2", "e3", "e4", "e5", "e6"]) {
      const plan = scheduleJob({
        job,
        allocs: [],
        snapshot: buildSnapshot([good, bad], []),
        evalId,
        now: NOW,
        newId: sequence(evalId),
      });
      expect(plan.place.filter((a) => a.nodeId === bad.id)).toEqual([]);
    }
  });

  // Guard for a speed-up: leaving unique labels (brink/hostname) out of the node class must not
  // let a constraint on them be answered once per class.
  it("honours a constraint on a unique label on every node of an otherwise equal class", () => {
    const nodes = ["a", "b", "c", "d"].map((n) =>
      testNode(n, { labels: { "brink/site": "site-a", "brink/hostname": n } }),
    );
    const job = testJob({
      name: "pinned",
      constraints: [{ key: "brink/hostname", op: "=", value: "c" }],
      tasks: [
        { name: "t", driver: "exec", config: { command: "/bin/true" }, count: 3, resources: {} },
      ],
    });
    for (const evalId of ["e1", "e2", "e3", "e4"]) {
      const plan = scheduleJob({
        job,
        allocs: [],
        snapshot: buildSnapshot(nodes, []),
        evalId,
        now: NOW,
        newId: sequence(evalId),
      });
      expect(plan.place.map((a) => a.nodeId)).toEqual(["node-c", "node-c", "node-c"]);
    }
  });
});
