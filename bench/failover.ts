/**
 * Failover benchmark on real processes: the built CLI (dist/, `npm run build` first) as one
 * server and several agents on this machine, with the test FaultProxy between agents and server
 * where a link must break. Prints one JSON line per scenario with --json, a summary otherwise:
 *   {"scenario":"agent-kill","trials","p50Ms","p99Ms",...}
 *     — SIGKILL of the agent running a one-instance service (3 agents in one site, so witnesses
 *       exist) → a replacement reported `running` on another node, polled every 20 ms. Its task
 *       keeps running (tasks outlive agents) until the trial ends, as when only the agent crashes;
 *   {"scenario":"agent-and-tasks-kill",...} — the same with the task's process group killed at
 *       once too: a machine crash;
 *   {"scenario":"partition-heal","restarts","duplicates","lost",...}
 *     — one agent's link cut for --partition-ms, then healed: tasks restarted, instances running
 *       twice, instances running nowhere once it settled;
 *   {"scenario":"partition-heal-replaced",...} — the same with `disconnect.lostAfter` shorter
 *       than the cut: the work is replaced meanwhile and reconciled when the node returns;
 *   {"scenario":"slow-link","falseDown",...} — an agent behind a 500 ± 300 ms link for
 *       --slow-ms: how often its node left `ready`;
 *   {"scenario":"reboot-rejoin","lost","duplicates","originalKept","replacementKept"}
 *     — per trial a machine crash (agent and tasks SIGKILLed), its work replaced on a site peer,
 *       then a reboot with the link up: which allocation runs once it settles (none = lost);
 *   {"scenario":"server-kill","jobsAccepted","jobsLost","allocsDuplicated",...}
 *     — SIGKILL of the server halfway through --jobs submissions (--concurrency at a time), then
 *       restarted on the same data dir and port; clients retry unanswered submissions.
 * Usage: npm run bench:failover -- [--json] [--scenario agent-kill,slow-link,...] [--trials 10]
 *        [--partition-ms 30000] [--slow-ms 300000] [--jobs 200] [--concurrency 4]
 * Timings are wall clock on one machine (loopback links, no real network): compare runs, not sites.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Allocation, NodeStatus, NodeView } from "../src/model/index.js";
import { FaultProxy } from "../test/fault-proxy.js";
import {
  CLI,
  halt,
  killStrays,
  type Proc,
  removeDir,
  startAgent,
  startServer,
  stop,
  type TestServer,
  tempDir,
  waitFor,
} from "../test/harness.js";
import { positive } from "./cli-args.js";

const SCENARIOS = [
  "agent-kill",
  "agent-and-tasks-kill",
  "partition-heal",
  "partition-heal-replaced",
  "slow-link",
  "reboot-rejoin",
  "server-kill",
] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    scenario: { type: "string", default: SCENARIOS.join(",") },
    trials: { type: "string", default: "10" },
    "partition-ms": { type: "string", default: "30000" },
    "slow-ms": { type: "string", default: "300000" },
    jobs: { type: "string", default: "200" },
    concurrency: { type: "string", default: "4" },
  },
});

const opts = {
  trials: positive("trials", values.trials),
  partitionMs: positive("partition-ms", values["partition-ms"]),
  slowMs: positive("slow-ms", values["slow-ms"]),
  jobs: positive("jobs", values.jobs),
  concurrency: positive("concurrency", values.concurrency),
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const round = (ms: number) => Math.round(ms);

// ---- process bookkeeping: everything started is killed on exit, even on Ctrl-C ---------------

const procs = new Set<Proc>();
const dirs = new Set<string>();

function track(proc: Proc): Proc {
  procs.add(proc);
  void proc.exited.then(() => procs.delete(proc));
  return proc;
}

process.on("exit", () => {
  for (const p of procs) p.child.kill("SIGKILL");
  for (const d of dirs) {
    killStrays(d);
    removeDir(d);
  }
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

// ---- a cluster of real processes -------------------------------------------------------------

interface AgentOptions {
  site?: string;
  labels?: Record<string, string>;
  /** Dial the server through a FaultProxy of its own (see `proxies`). */
  viaProxy?: boolean;
}

class Cluster {
  readonly agents = new Map<string, Proc>();
  readonly proxies = new Map<string, FaultProxy>();
  private readonly agentArgs = new Map<string, { url: string; extra: string[] }>();

  private constructor(
    readonly dir: string,
    public server: TestServer,
    private readonly serverArgs: string[],
  ) {}

  static async start(name: string, serverArgs: string[] = []): Promise<Cluster> {
    const dir = tempDir(`bench-${name}`);
    dirs.add(dir);
    const server = await startServer(join(dir, "server"), serverArgs);
    track(server.proc);
    return new Cluster(dir, server, serverArgs);
  }

  get admin() {
    return this.server.admin;
  }

  agentDir(name: string): string {
    return join(this.dir, name);
  }

  async addAgent(name: string, o: AgentOptions = {}): Promise<Proc> {
    let url = this.server.url;
    if (o.viaProxy) {
      const { hostname, port } = new URL(this.server.url);
      const proxy = new FaultProxy(hostname, Number(port));
      await proxy.start();
      this.proxies.set(name, proxy);
      url = proxy.url;
    }
    const extra = ["--site", o.site ?? "s1", "--peer-listen", "127.0.0.1:0"];
    for (const [k, v] of Object.entries(o.labels ?? {})) extra.push("--label", `${k}=${v}`);
    this.agentArgs.set(name, { url, extra });
    return this.launch(name);
  }

  /** Starts the agent `name` again with the same data dir and link (a reboot). */
  restartAgent(name: string): Proc {
    return this.launch(name);
  }

  private launch(name: string): Proc {
    const args = this.agentArgs.get(name);
    if (!args) throw new Error(`no agent ${name}`);
    const server = { url: args.url, joinToken: this.server.joinToken };
    const proc = track(startAgent(server, name, this.dir, args.extra));
    this.agents.set(name, proc);
    return proc;
  }

  /** SIGKILL of the agent; with `tasks` also of its tasks' process groups (a machine crash). */
  kill(name: string, tasks: boolean): void {
    this.agents.get(name)?.child.kill("SIGKILL");
    if (tasks) this.killTasks(name);
  }

  killTasks(name: string): void {
    killStrays(this.agentDir(name));
  }

  async waitReady(names: string[], timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `nodes ${names.join(", ")} ready`,
      async () => {
        const nodes = await this.admin.listNodes();
        return names.every((n) => nodes.find((x) => x.name === n)?.status === "ready") || undefined;
      },
      timeoutMs,
    );
  }

  /** SIGKILL of the server, then a new one on the same data dir and port. */
  async crashServer(): Promise<{ downMs: number }> {
    const t0 = performance.now();
    await stop(this.server.proc, "SIGKILL");
    const listen = new URL(this.server.url).host;
    this.server = await startServer(this.server.dataDir, this.serverArgs, listen);
    track(this.server.proc);
    return { downMs: round(performance.now() - t0) };
  }

  async close(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.stop()));
    await Promise.all([...this.agents.values()].map((a) => halt(a)));
    await halt(this.server.proc);
    killStrays(this.dir);
    removeDir(this.dir);
    dirs.delete(this.dir);
  }
}

// ---- jobs and allocations -------------------------------------------------------------------

const SMALL = { cpu: 10, memory: 16 };

function serviceJob(name: string, script: string, more: Record<string, unknown> = {}) {
  const { count = 1, ...job } = more;
  return {
    name,
    ...job,
    tasks: [
      {
        name: "run",
        driver: "exec",
        count,
        resources: SMALL,
        config: { command: "/bin/sh", args: ["-c", script] },
      },
    ],
  };
}

const instanceKey = (a: Allocation) => `${a.jobId}/${a.task}/${a.index}`;
const isLive = (a: Allocation) =>
  a.desiredStatus === "run" && (a.status === "pending" || a.status === "running");

/** Live task processes (not zombies) whose working directory is under `dir`. */
function taskProcesses(dir: string): number {
  let n = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z") n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** Instances with more than one allocation matching `pick`. */
function duplicated(allocs: Allocation[], pick: (a: Allocation) => boolean): number {
  const byInstance = new Map<string, number>();
  for (const a of allocs.filter(pick))
    byInstance.set(instanceKey(a), (byInstance.get(instanceKey(a)) ?? 0) + 1);
  return [...byInstance.values()].filter((n) => n > 1).length;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(s, 50)),
    p99Ms: round(percentile(s, 99)),
    minMs: round(s[0] ?? Number.NaN),
    maxMs: round(s.at(-1) ?? Number.NaN),
  };
}

/** Watches a node's status: every change, including a round trip shorter than the poll interval. */
class StatusWatch {
  /** Statuses in the order seen; "(unseen)" marks a change that was undone between two polls. */
  readonly seen: string[] = [];
  /** Changes away from `ready` by the status they went to. */
  readonly left: Record<string, number> = {};
  leftReady = 0;
  samples = 0;
  private last: { status: NodeStatus; since: string | undefined } | undefined;
  private running = true;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly probe: () => Promise<NodeView>,
    private readonly everyMs: number,
  ) {}

  start(): this {
    this.loop = (async () => {
      while (this.running) {
        await this.probe()
          .then((n) => this.sample(n))
          .catch(() => undefined);
        await sleep(this.everyMs);
      }
    })();
    return this;
  }

  private count(status: string): void {
    this.left[status] = (this.left[status] ?? 0) + 1;
    this.leftReady++;
  }

  private sample(n: NodeView): void {
    this.samples++;
    const prev = this.last;
    this.last = { status: n.status, since: n.statusSince };
    if (!prev) {
      this.seen.push(n.status);
      if (n.status !== "ready") this.count(n.status);
      return;
    }
    if (prev.status === n.status && prev.since === n.statusSince) return;
    if (prev.status === n.status) {
      // It changed and came back between two polls (statusSince moved).
      this.seen.push("(unseen)", n.status);
      if (n.status === "ready") this.count("(unseen)");
      return;
    }
    this.seen.push(n.status);
    if (prev.status === "ready") this.count(n.status);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

// ---- agent-kill / agent-and-tasks-kill ------------------------------------------------------

interface FailoverSample {
  runningMs: number;
  downMs: number;
  placedMs: number;
}

/** Polls every 20 ms from the kill until a replacement runs on another node. */
async function measureFailover(
  c: Cluster,
  job: string,
  victim: Allocation,
  nodeId: string,
  t0: number,
): Promise<FailoverSample | undefined> {
  let downMs: number | undefined;
  let placedMs: number | undefined;
  while (performance.now() - t0 < 120_000) {
    const [allocs, node] = await Promise.all([
      c.admin.jobAllocations(job),
      c.admin.getNode(nodeId),
    ]);
    const at = performance.now() - t0;
    if (downMs === undefined && node.status === "down") downMs = at;
    const replacements = allocs.filter(
      (a) => a.id !== victim.id && a.nodeId !== null && a.nodeId !== nodeId && isLive(a),
    );
    if (placedMs === undefined && replacements.length > 0) placedMs = at;
    if (replacements.some((a) => a.status === "running"))
      return { runningMs: at, downMs: downMs ?? at, placedMs: placedMs ?? at };
    await sleep(20);
  }
  return undefined;
}

async function agentKill(scenario: "agent-kill" | "agent-and-tasks-kill") {
  const withTasks = scenario === "agent-and-tasks-kill";
  const c = await Cluster.start(scenario, ["--heartbeat-grace", "10000"]);
  try {
    let serial = 0;
    let names: string[] = [];
    const addFresh = async () => {
      const name = `n${++serial}`;
      names.push(name);
      await c.addAgent(name);
    };
    for (let i = 0; i < 3; i++) await addFresh();
    await c.waitReady(names);
    const job = "failover";
    await c.admin.submitJob(serviceJob(job, "exec sleep 600"));
    const samples: FailoverSample[] = [];
    let failed = 0;
    for (let t = 0; t < opts.trials; t++) {
      const victim = await waitFor("the allocation running", async () =>
        (await c.admin.jobAllocations(job)).find((a) => a.status === "running" && isLive(a)),
      );
      const node = await c.admin.getNode(victim.nodeId ?? "");
      const t0 = performance.now();
      c.kill(node.name, withTasks);
      const sample = await measureFailover(c, job, victim, node.id, t0);
      if (sample) samples.push(sample);
      else failed++;
      c.killTasks(node.name); // the task an agent-only crash left running
      names = names.filter((n) => n !== node.name);
      await addFresh();
      await c.waitReady(names);
    }
    const running = samples.map((s) => s.runningMs);
    const down = [...samples.map((s) => s.downMs)].sort((a, b) => a - b);
    const placed = [...samples.map((s) => s.placedMs)].sort((a, b) => a - b);
    return {
      scenario,
      trials: opts.trials,
      ...stats(running),
      failed,
      downP50Ms: round(percentile(down, 50)),
      placedP50Ms: round(percentile(placed, 50)),
      heartbeatGraceMs: 10_000,
      nodes: 3,
    };
  } finally {
    await c.close();
  }
}

// ---- partition-heal -------------------------------------------------------------------------

/**
 * `partition-heal` keeps the default `disconnect.lostAfter` (10 min: the cut work is left alone);
 * `partition-heal-replaced` sets it to half the partition (at most 10 s), so the work is replaced
 * during the cut and the returning originals must be reconciled with their replacements.
 */
async function partitionHeal(scenario: "partition-heal" | "partition-heal-replaced") {
  const lostAfterMs =
    scenario === "partition-heal" ? 600_000 : Math.min(10_000, Math.floor(opts.partitionMs / 2));
  const c = await Cluster.start(scenario, ["--heartbeat-grace", "10000"]);
  try {
    // The work lands on `edge` (alone at first); its witnesses join after and can take
    // replacements.
    await c.addAgent("edge", { viaProxy: true });
    await c.waitReady(["edge"]);
    const jobs = ["ph-0", "ph-1", "ph-2"];
    const disconnect = { lostAfter: lostAfterMs };
    for (const j of jobs)
      await c.admin.submitJob(
        serviceJob(j, "echo started; exec sleep 600", { count: 2, disconnect }),
      );
    const allOf = async () =>
      (await Promise.all(jobs.map((j) => c.admin.jobAllocations(j)))).flat();
    const before = await waitFor("6 allocations running", async () => {
      const list = await allOf();
      return list.filter((a) => a.status === "running").length === 6 ? list : undefined;
    });
    await c.addAgent("w1", { viaProxy: true });
    await c.addAgent("w2", { viaProxy: true });
    await c.waitReady(["edge", "w1", "w2"]);
    const proxy = c.proxies.get("edge") as FaultProxy;
    const watch = new StatusWatch(() => c.admin.getNode("edge"), 250).start();
    proxy.set({ kind: "cut" });
    await sleep(opts.partitionMs);
    proxy.set({ kind: "pass" });
    const healed = performance.now();
    await c.waitReady(["edge"], 120_000);
    const readyMs = round(performance.now() - healed);
    const settled = await waitFor(
      "allocations settled",
      async () => {
        const list = await allOf();
        const unsettled = list.some(
          (a) => a.status === "unknown" || (a.status === "pending" && a.desiredStatus === "run"),
        );
        return unsettled ? undefined : list;
      },
      120_000,
    ).catch(() => undefined);
    const settleMs = round(performance.now() - healed);
    await sleep(3000); // duplicates are stopped by the evaluation a returning node raises
    await watch.stop();
    const after = await allOf();
    return {
      scenario,
      partitionMs: opts.partitionMs,
      lostAfterMs,
      allocations: before.length,
      ...(await partitionOutcome(c, before, after)),
      settled: settled !== undefined,
      nodeStatuses: watch.seen,
      healToReadyMs: readyMs,
      healToSettledMs: settleMs,
    };
  } finally {
    await c.close();
  }
}

/**
 * restarts: per allocation, the larger of its `restarts` increase and its extra start lines;
 * duplicates: instances with more than one allocation running; lost: instances running nowhere.
 */
async function partitionOutcome(c: Cluster, before: Allocation[], after: Allocation[]) {
  let restarts = 0;
  for (const a of after) {
    const was = before.find((b) => b.id === a.id);
    const log = await c.admin.allocLogs(a.id).catch(() => "");
    const starts = log.split("\n").filter((l) => l.includes("started")).length;
    const increase = was ? Math.max(0, a.restarts - was.restarts) : 0;
    restarts += Math.max(increase, was ? starts - 1 : 0);
  }
  const running = after.filter((a) => a.status === "running");
  const instances = new Set(before.map(instanceKey));
  const covered = new Set(running.map(instanceKey));
  return {
    restarts,
    duplicates: duplicated(after, (a) => a.status === "running"),
    lost: [...instances].filter((k) => !covered.has(k)).length,
    replaced: after.filter((a) => !before.some((b) => b.id === a.id)).length,
    originalsRunning: running.filter((a) => before.some((b) => b.id === a.id)).length,
    taskProcesses: taskProcesses(c.dir),
  };
}

// ---- slow-link ------------------------------------------------------------------------------

async function slowLink() {
  const c = await Cluster.start("slow", ["--heartbeat-grace", "10000"]);
  try {
    const agent = await c.addAgent("slow", { viaProxy: true, labels: { role: "slow" } });
    await c.addAgent("w1", { labels: { role: "witness" } });
    await c.waitReady(["slow", "w1"]);
    const constraints = [{ key: "role", op: "=", value: "slow" }];
    await c.admin.submitJob(serviceJob("sl", "echo started; exec sleep 600", { constraints }));
    const original = await waitFor("sl running", async () =>
      (await c.admin.jobAllocations("sl")).find((a) => a.status === "running"),
    );
    const delay = { kind: "delay", ms: 500, jitterMs: 300 } as const;
    const linesBefore = agent.lines.length;
    c.proxies.get("slow")?.set(delay);
    const watch = new StatusWatch(() => c.admin.getNode("slow"), 250).start();
    await sleep(opts.slowMs);
    await watch.stop();
    c.proxies.get("slow")?.set({ kind: "pass" });
    const sessionDrops = agent.lines
      .slice(linesBefore)
      .filter((l) => /session lost|stopped answering/.test(l)).length;
    const allocs = await c.admin.jobAllocations("sl");
    const kept = allocs.find((a) => a.id === original.id);
    return {
      scenario: "slow-link",
      delayMs: delay.ms,
      jitterMs: delay.jitterMs,
      durationMs: opts.slowMs,
      falseDown: watch.leftReady,
      transitions: watch.left,
      samples: watch.samples,
      sessionDrops,
      allocKept: kept?.status === "running" && allocs.length === 1,
      allocRestarts: kept ? kept.restarts - original.restarts : null,
    };
  } finally {
    await c.close();
  }
}

// ---- reboot-rejoin --------------------------------------------------------------------------

/**
 * A machine crashes (agent and tasks SIGKILLed), its work is replaced on a site peer, then it
 * reboots with the link up: its agent restarts the work from local state and says hello. Per
 * trial: which allocation runs once it settles, or none, or both.
 */
async function rebootRejoin() {
  const c = await Cluster.start("reboot-rejoin");
  try {
    await c.addAgent("edge", { labels: { role: "edge" } });
    await c.addAgent("w1", { labels: { role: "spare" } });
    await c.waitReady(["edge", "w1"]);
    const edgeId = (await c.admin.getNode("edge")).id;
    const outcome = { originalKept: 0, replacementKept: 0, lost: 0, duplicates: 0, failed: 0 };
    const affinities = [{ key: "role", op: "=", value: "edge", weight: 100 }];
    for (let t = 0; t < opts.trials; t++) {
      const job = `rr-${t}`;
      await c.admin.submitJob(serviceJob(job, "exec sleep 600", { affinities }));
      const running = (a: Allocation) => a.status === "running" && a.desiredStatus === "run";
      const original = await waitFor(`${job} running on edge`, async () =>
        (await c.admin.jobAllocations(job)).find((a) => running(a) && a.nodeId === edgeId),
      ).catch(() => undefined);
      if (!original) {
        outcome.failed++;
        await c.admin.stopJob(job);
        continue;
      }
      c.kill("edge", true);
      await waitFor(`${job} replaced`, async () =>
        (await c.admin.jobAllocations(job)).find((a) => running(a) && a.id !== original.id),
      );
      c.restartAgent("edge");
      await c.waitReady(["edge"]);
      const settle = async () => {
        const list = await c.admin.jobAllocations(job);
        const pending = list.some((a) => a.status === "pending" && a.desiredStatus === "run");
        return !pending && list.filter(running).length === 1 ? list : undefined;
      };
      await waitFor("settled", settle, 8000).catch(() => undefined);
      await sleep(2000);
      const live = (await c.admin.jobAllocations(job)).filter(running);
      if (live.length === 0) outcome.lost++;
      else if (live.length > 1) outcome.duplicates++;
      else if (live[0]?.id === original.id) outcome.originalKept++;
      else outcome.replacementKept++;
      await c.admin.stopJob(job);
    }
    return { scenario: "reboot-rejoin", trials: opts.trials, ...outcome };
  } finally {
    await c.close();
  }
}

// ---- server-kill ----------------------------------------------------------------------------

type Answer = number | "unanswered";

async function submitRaw(url: string, token: string, spec: unknown): Promise<Answer> {
  try {
    const res = await fetch(`${url}/v1/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(spec),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return "unanswered";
  }
}

function smallJob(i: number) {
  const name = `sk-${String(i).padStart(4, "0")}`;
  return i % 2 === 0
    ? { ...serviceJob(name, "echo done"), type: "batch" }
    : serviceJob(name, "exec sleep 600");
}

async function serverKill() {
  const c = await Cluster.start("server-kill");
  try {
    const nodes = ["n1", "n2", "n3"];
    for (const n of nodes) await c.addAgent(n);
    await c.waitReady(nodes);
    const token = readFileSync(join(c.server.dataDir, "admin.token"), "utf8").trim();
    const accepted = new Set<string>();
    const answered = new Map<number, number>();
    let unanswered = 0;
    let crash: Promise<{ downMs: number }> | undefined;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < opts.jobs; i = next++) {
        const spec = smallJob(i);
        for (let attempt = 0; attempt < 600; attempt++) {
          const answer = await submitRaw(c.server.url, token, spec);
          if (answer === "unanswered") {
            unanswered++;
            await sleep(50);
            continue;
          }
          answered.set(answer, (answered.get(answer) ?? 0) + 1);
          if (answer === 201) accepted.add(spec.name);
          break;
        }
        if (!crash && accepted.size >= Math.floor(opts.jobs / 2)) crash = c.crashServer();
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    const { downMs } = (await crash) ?? { downMs: 0 };
    const restartedAt = performance.now();
    await c.waitReady(nodes);
    const reconnectMs = round(performance.now() - restartedAt);
    const settled = await waitFor(
      "every job placed and started",
      async () => {
        const [jobs, allocs] = await Promise.all([c.admin.listJobs(), c.admin.listAllocations()]);
        const withAllocs = new Set(allocs.map((a) => a.jobId));
        const busy = allocs.some((a) => a.status === "pending" && a.desiredStatus === "run");
        return !busy && jobs.every((j) => withAllocs.has(j.id)) ? true : undefined;
      },
      120_000,
    ).catch(() => false);
    await sleep(2000);
    const [jobs, allocs] = await Promise.all([c.admin.listJobs(), c.admin.listAllocations()]);
    const names = new Set(jobs.map((j) => j.name));
    const withAllocs = new Set(allocs.map((a) => a.jobId));
    return {
      scenario: "server-kill",
      jobsSubmitted: opts.jobs,
      jobsAccepted: accepted.size,
      jobsLost: [...accepted].filter((n) => !names.has(n)).length,
      allocsDuplicated: duplicated(allocs, isLive),
      jobsWithoutAllocs: jobs.filter((j) => !withAllocs.has(j.id)).length,
      taskRestarts: allocs.reduce((sum, a) => sum + a.restarts, 0),
      serviceJobs: jobs.filter((j) => j.type === "service").length,
      taskProcesses: taskProcesses(c.dir),
      unansweredRequests: unanswered,
      answers: Object.fromEntries(answered),
      serverDownMs: downMs,
      agentsReconnectMs: reconnectMs,
      settled,
      concurrency: opts.concurrency,
    };
  } finally {
    await c.close();
  }
}

// ---- main -----------------------------------------------------------------------------------

const RUN: Record<Scenario, () => Promise<Record<string, unknown>>> = {
  "agent-kill": () => agentKill("agent-kill"),
  "agent-and-tasks-kill": () => agentKill("agent-and-tasks-kill"),
  "partition-heal": () => partitionHeal("partition-heal"),
  "partition-heal-replaced": () => partitionHeal("partition-heal-replaced"),
  "slow-link": slowLink,
  "reboot-rejoin": rebootRejoin,
  "server-kill": serverKill,
};

function print(row: Record<string, unknown>): void {
  if (values.json) {
    console.log(JSON.stringify(row));
    return;
  }
  const { scenario, ...rest } = row;
  console.log(`${String(scenario)}:`);
  for (const [k, v] of Object.entries(rest))
    console.log(`  ${k.padEnd(20)} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
  const chosen = values.scenario.split(",").map((s) => s.trim());
  const unknown = chosen.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(", ")}; choose from ${SCENARIOS.join(", ")}`);
    process.exit(2);
  }
  for (const s of SCENARIOS) if (chosen.includes(s)) print(await RUN[s]());
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
