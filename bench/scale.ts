/**
 * Control-plane scale benchmark on real processes: the built CLI (dist/, `npm run build` first)
 * as one `brink server --heartbeat-interval 5000` and hollow agents (`brink agent --hollow`, at
 * most 5,000 nodes per process) on this machine. One JSON line per scenario with --json:
 *   {"scenario":"connect","nodes","store","readyMs","serverRssMb","hollowRssMb",...}
 *     — from starting the hollow processes until every node is `ready` (paged node list);
 *   {"scenario":"heartbeat",...,"nodeGetP50Ms","jobGetP99Ms","serverCpuPct","notReady"}
 *     — all nodes heartbeating every 5 s for --heartbeat-sec: sequential GET /v1/nodes/<random>
 *       and GET /v1/jobs/<id> (~20 req/s), server CPU % of one core and RSS, nodes not ready;
 *   {"scenario":"join-storm","readyMs","failures"} — SIGKILL of the server, restarted on the
 *     same data dir and port: until every node has re-connected and is `ready` (failures: not
 *     ready after 60 s);
 *   {"scenario":"e2e-10k-allocs",...} — one batch job of 10,000 allocations;
 *   {"scenario":"e2e-100x100",...} — 100 jobs × 100 allocations, 8 submissions in flight:
 *     from the first submission until the last allocation's plan committed (its `createdAt`)
 *     and until the last running report was applied (its `updatedAt`; same clock, one machine),
 *     placements/s, per allocation submit→running and created→running; `seen*` are the same
 *     moments as observed by polling the jobs' summaries every 250 ms; `serverCpuMs`,
 *     `serverMainCpuMs` (its event loop alone) and `hollowCpuMs`: CPU time spent meanwhile, the
 *     cost of the work itself, steadier from run to run than the rates on a shared VM;
 *     `pushMessages` and `reportMessages`: desired-state messages the server sent and status
 *     report messages it received meanwhile (from `brink_agent_messages_total`);
 *   {"scenario":"agent-idle"|"agent-20-tasks","rssMb","cpuPct","wakeUpsPerSec","bareNodeCpuPct"}
 *     — one real agent (exec driver) over --agent-sec, idle and with a service of 20 `sleep`
 *     tasks; `wakeUpsPerSec`: how often its event loop was woken (the main thread's voluntary
 *     context switches), which does not vary with the machine; beside it, in the same window, a bare `node` waking
 *     once a second (`bareNodeCpuPct`: the price of a wake-up on this machine then).
 * Usage: npm run bench:scale -- [--json] [--scenario connect,heartbeat,...] [--nodes 10000]
 *        [--store sqlite|postgres|both|postgres://...] [--heartbeat-sec 60] [--agent-sec 60]
 *        [--server-args="--push-interval 0"]
 * Postgres: each server gets a fresh schema `brink_bench_<random>` (created and dropped with psql)
 * in --pg-url (default postgres://postgres@127.0.0.1:5432/test), or in the URL given as --store.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Allocation } from "../src/model/index.js";
import {
  CLI,
  halt,
  killStrays,
  type Proc,
  removeDir,
  startAgent,
  startBrink,
  startServer,
  stop,
  type TestServer,
  tempDir,
  waitFor,
} from "../test/harness.js";
import { positive } from "./cli-args.js";
import { CpuMeter, latency, rssMb, wakeUps } from "./scale/proc-stats.js";

const FLEET_SCENARIOS = ["connect", "heartbeat", "join-storm", "e2e-10k-allocs", "e2e-100x100"];
const AGENT_SCENARIOS = ["agent-idle", "agent-20-tasks"];
const SCENARIOS = [...FLEET_SCENARIOS, ...AGENT_SCENARIOS];

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    scenario: { type: "string", default: SCENARIOS.join(",") },
    nodes: { type: "string", default: "10000" },
    store: { type: "string", default: "sqlite" },
    "pg-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/test" },
    "heartbeat-sec": { type: "string", default: "60" },
    "agent-sec": { type: "string", default: "60" },
    "per-hollow": { type: "string", default: "5000" },
    /**
     * Extra `brink server` flags, e.g. --server-args="--max-pending-joins 200" (with `=`: the
     * value starts with `--`, which `parseArgs` would take for an option of its own).
     */
    "server-args": { type: "string", default: "" },
  },
});

const opts = {
  nodes: positive("nodes", values.nodes),
  heartbeatSec: positive("heartbeat-sec", values["heartbeat-sec"]),
  agentSec: positive("agent-sec", values["agent-sec"]),
  perHollow: positive("per-hollow", values["per-hollow"]),
};
const HEARTBEAT_MS = 5000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const round = (ms: number) => Math.round(ms);

// ---- bookkeeping: every process, directory and schema is removed on exit, even on Ctrl-C ------

const procs = new Set<Proc>();
const dirs = new Set<string>();
const schemas = new Map<string, string>(); // schema → connection URL

function track(proc: Proc): Proc {
  procs.add(proc);
  void proc.exited.then(() => procs.delete(proc));
  return proc;
}

function dropSchema(schema: string): void {
  const url = schemas.get(schema);
  if (!url) return;
  schemas.delete(schema);
  try {
    execFileSync("psql", [url, "-q", "-c", `drop schema if exists "${schema}" cascade`], {
      stdio: "ignore",
    });
  } catch {
    console.error(`could not drop schema ${schema}`);
  }
}

process.on("exit", () => {
  for (const p of procs) p.child.kill("SIGKILL");
  for (const d of dirs) {
    killStrays(d);
    removeDir(d);
  }
  for (const s of [...schemas.keys()]) dropSchema(s);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

// ---- stores ----------------------------------------------------------------------------------

interface StoreChoice {
  label: string;
  /** Server flags for a fresh store, and how to drop it. */
  make(): { args: string[]; drop(): void };
}

function postgresChoice(base: string): StoreChoice {
  return {
    label: "postgres",
    make() {
      const u = new URL(base);
      u.searchParams.delete("schema");
      const conn = u.toString();
      const schema = `brink_bench_${randomBytes(4).toString("hex")}`;
      schemas.set(schema, conn);
      execFileSync("psql", [conn, "-q", "-c", `create schema "${schema}"`], { stdio: "ignore" });
      u.searchParams.set("schema", schema);
      return { args: ["--store", u.toString()], drop: () => dropSchema(schema) };
    },
  };
}

const SQLITE: StoreChoice = { label: "sqlite", make: () => ({ args: [], drop: () => undefined }) };

function storeChoices(flag: string): StoreChoice[] {
  if (flag === "sqlite") return [SQLITE];
  if (flag === "postgres") return [postgresChoice(values["pg-url"])];
  if (flag === "both") return [SQLITE, postgresChoice(values["pg-url"])];
  if (/^postgres(ql)?:\/\//.test(flag)) return [postgresChoice(flag)];
  console.error(`--store must be sqlite, postgres, both or a postgres:// URL, not "${flag}"`);
  process.exit(2);
}

// ---- the fleet: one server, hollow processes --------------------------------------------------

class Fleet {
  hollows: Proc[] = [];
  nodeIds: string[] = [];

  private constructor(
    readonly dir: string,
    public server: TestServer,
    private readonly serverArgs: string[],
    private readonly dropStore: () => void,
  ) {}

  static async start(name: string, store: StoreChoice): Promise<Fleet> {
    const dir = tempDir(`bench-scale-${name}`);
    dirs.add(dir);
    const made = store.make();
    const args = [
      "--heartbeat-interval",
      String(HEARTBEAT_MS),
      ...made.args,
      ...values["server-args"].split(" ").filter((a) => a.length > 0),
    ];
    const server = await startServer(join(dir, "server"), args);
    track(server.proc);
    return new Fleet(dir, server, args, made.drop);
  }

  get admin() {
    return this.server.admin;
  }

  get serverPid() {
    return this.server.proc.child.pid;
  }

  startHollows(n: number, perProcess: number): void {
    for (let first = 0, k = 0; first < n; first += perProcess, k++) {
      const count = Math.min(perProcess, n - first);
      const proc = startBrink([
        "agent",
        "--hollow",
        String(count),
        "--name",
        `h${k}`,
        "--server",
        this.server.url,
        "--join-token",
        this.server.joinToken,
        "--log-level",
        "warn",
      ]);
      this.hollows.push(track(proc));
    }
  }

  hollowRssMb(): number {
    return this.hollows.reduce((sum, h) => sum + rssMb(h.child.pid), 0);
  }

  /** Every node (paged, 5,000 at a time), optionally filtered by status. */
  async listAll(status?: string) {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await this.admin.listNodesPage({
        limit: 5000,
        ...(status ? { status } : {}),
        ...(cursor ? { cursor } : {}),
      });
      all.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return all;
  }

  async countReady(): Promise<number> {
    return (await this.listAll("ready")).length;
  }

  /** SIGKILL of the server, then a new one on the same data dir and port. */
  async crashServer(): Promise<void> {
    await stop(this.server.proc, "SIGKILL");
    const listen = new URL(this.server.url).host;
    this.server = await startServer(this.server.dataDir, this.serverArgs, listen);
    track(this.server.proc);
  }

  async close(): Promise<void> {
    await Promise.all(this.hollows.map((h) => halt(h)));
    await halt(this.server.proc);
    killStrays(this.dir);
    removeDir(this.dir);
    dirs.delete(this.dir);
    this.dropStore();
  }
}

type Row = Record<string, unknown>;

/** Polls until `pred` holds (every `everyMs`) or `timeoutMs` passes; returns elapsed ms or null. */
async function timeUntil(
  pred: () => Promise<boolean>,
  t0: number,
  timeoutMs: number,
  everyMs = 250,
): Promise<number | null> {
  while (performance.now() - t0 < timeoutMs) {
    if (await pred().catch(() => false)) return round(performance.now() - t0);
    await sleep(everyMs);
  }
  return null;
}

async function connect(f: Fleet): Promise<Row> {
  const t0 = performance.now();
  f.startHollows(opts.nodes, opts.perHollow);
  let ready = 0;
  const readyMs = await timeUntil(
    async () => {
      ready = await f.countReady();
      return ready >= opts.nodes;
    },
    t0,
    Math.max(120_000, opts.nodes * 30),
    500,
  );
  f.nodeIds = (await f.listAll()).map((n) => n.id);
  return {
    readyMs,
    ready,
    hollowProcesses: f.hollows.length,
    serverRssMb: rssMb(f.serverPid),
    hollowRssMb: f.hollowRssMb(),
  };
}

async function heartbeat(f: Fleet): Promise<Row> {
  const job = await f.admin.submitJob({
    name: "hb-probe",
    tasks: [
      {
        name: "t",
        driver: "exec",
        config: { command: "/bin/true" },
        resources: { cpu: 10, memory: 16 },
      },
    ],
  });
  const nodeLat: number[] = [];
  const jobLat: number[] = [];
  let errors = 0;
  const meter = new CpuMeter(f.serverPid).start();
  const end = performance.now() + opts.heartbeatSec * 1000;
  for (let i = 0; performance.now() < end; i++) {
    const t = performance.now();
    try {
      if (i % 2 === 0) {
        const id = f.nodeIds[Math.floor(Math.random() * f.nodeIds.length)] ?? "";
        await f.admin.getNode(id);
        nodeLat.push(performance.now() - t);
      } else {
        await f.admin.getJob(job.id);
        jobLat.push(performance.now() - t);
      }
    } catch {
      errors++;
    }
    await sleep(Math.max(0, 50 - (performance.now() - t)));
  }
  const usage = meter.stop();
  const notReady = opts.nodes - (await f.countReady());
  await f.admin.stopJob(job.id);
  return {
    seconds: opts.heartbeatSec,
    requests: nodeLat.length + jobLat.length,
    errors,
    ...latency(nodeLat, "nodeGet"),
    ...latency(jobLat, "jobGet"),
    serverCpuPct: usage.cpuPct,
    serverRssMb: usage.rssMb,
    serverPeakRssMb: usage.peakRssMb,
    notReady,
    heartbeatIntervalMs: HEARTBEAT_MS,
  };
}

async function joinStorm(f: Fleet): Promise<Row> {
  const t0 = performance.now();
  const killedAt = Date.now();
  await f.crashServer();
  const listeningMs = round(performance.now() - t0);
  // A node counts once the new server has seen it (heartbeat or status change after the kill):
  // the store still says `ready` for nodes the old server last saw.
  let ready = 0;
  const back = async () => {
    const nodes = await f.listAll("ready");
    ready = nodes.filter(
      (n) =>
        Date.parse(n.lastHeartbeat ?? "") > killedAt || Date.parse(n.statusSince ?? "") > killedAt,
    ).length;
    return ready >= opts.nodes;
  };
  const readyMs = await timeUntil(back, t0, 60_000 + listeningMs, 500);
  return {
    readyMs,
    serverListeningMs: listeningMs,
    failures: opts.nodes - ready,
    serverRssMb: rssMb(f.serverPid),
  };
}

// ---- end-to-end placement --------------------------------------------------------------------

function batchJob(name: string, count: number) {
  return {
    name,
    type: "batch",
    tasks: [
      {
        name: "t",
        count,
        driver: "exec",
        config: { command: "/bin/true", durationMs: 60_000 },
        resources: { cpu: 100, memory: 64 },
      },
    ],
  };
}

/**
 * Submits the jobs (`concurrency` in flight), then polls their summaries (counts per status)
 * every 250 ms until every allocation is running. The headline figures come from the
 * allocations' own timestamps, read once at the end: `createdAt` is the time its plan committed,
 * `updatedAt` the time its running report was applied (same machine, same clock as the bench);
 * the polled `seen*` figures are bounded by the polling.
 */
async function e2e(f: Fleet, names: string[], perJob: number, concurrency: number): Promise<Row> {
  const total = names.length * perJob;
  const messagesBefore = agentMessages(await f.admin.metrics());
  const meter = new CpuMeter(f.serverPid).start();
  const hollowMeters = f.hollows.map((h) => new CpuMeter(h.child.pid).start());
  const t0 = performance.now();
  const epoch0 = Date.now();
  const submittedAt = new Map<string, number>();
  let next = 0;
  const submit = async () => {
    for (let i = next++; i < names.length; i = next++) {
      const name = names[i] ?? "";
      submittedAt.set(name, Date.now());
      await f.admin.submitJob(batchJob(name, perJob));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, submit));
  const submitMs = round(performance.now() - t0);
  let seenCommittedMs: number | null = null;
  let seenRunningMs: number | null = null;
  let polls = 0;
  let pollMsMax = 0;
  while (performance.now() - t0 < 300_000) {
    const p0 = performance.now();
    const summaries = await Promise.all(names.map((n) => f.admin.jobSummary(n)));
    polls++;
    pollMsMax = Math.max(pollMsMax, performance.now() - p0);
    const placed = summaries.reduce((sum, s) => sum + s.placed, 0);
    const running = summaries.reduce((sum, s) => sum + (s.allocations.running ?? 0), 0);
    const at = round(performance.now() - t0);
    if (seenCommittedMs === null && placed >= total) seenCommittedMs = at;
    if (running >= total) {
      seenRunningMs = at;
      break;
    }
    await sleep(Math.max(0, 250 - (performance.now() - p0)));
  }
  const usage = meter.stop();
  const hollowCpuMs = hollowMeters.reduce((sum, m) => sum + m.stop().cpuMs, 0);
  const messagesAfter = agentMessages(await f.admin.metrics());
  const sent = (key: string) => (messagesAfter.get(key) ?? 0) - (messagesBefore.get(key) ?? 0);
  const latest: Allocation[] = [];
  for (const name of names) latest.push(...(await f.admin.jobAllocations(name)));
  const submitToRunning: number[] = [];
  const placedToRunning: number[] = [];
  const byJobId = new Map<string, number>();
  for (const name of names) {
    const j = await f.admin.getJob(name);
    byJobId.set(j.id, submittedAt.get(name) ?? 0);
  }
  let lastCommit = 0;
  let lastRunning = 0;
  for (const a of latest) {
    if (a.nodeId !== null) lastCommit = Math.max(lastCommit, Date.parse(a.createdAt));
    if (a.status !== "running") continue;
    lastRunning = Math.max(lastRunning, Date.parse(a.updatedAt));
    const sub = byJobId.get(a.jobId) ?? 0;
    submitToRunning.push(Date.parse(a.updatedAt) - sub);
    placedToRunning.push(Date.parse(a.updatedAt) - Date.parse(a.createdAt));
  }
  const allPlaced = latest.length >= total && latest.every((a) => a.nodeId !== null);
  const committedMs = allPlaced ? lastCommit - epoch0 : null;
  const runningMs = submitToRunning.length >= total ? lastRunning - epoch0 : null;
  for (const name of names) await f.admin.stopJob(name).catch(() => undefined);
  await settle(f, names);
  return {
    allocations: total,
    jobs: names.length,
    concurrency,
    submitMs,
    committedMs,
    runningMs,
    placementsPerSec: committedMs ? round(total / (committedMs / 1000)) : null,
    ...latency(submitToRunning, "submitToRunning"),
    ...latency(placedToRunning, "createdToRunning"),
    seenCommittedMs,
    seenRunningMs,
    notRunning: total - submitToRunning.length,
    pushMessages: sent("out allocs"),
    reportMessages: sent("in alloc-status") + sent("in alloc-statuses"),
    polls,
    pollIntervalMs: 250,
    pollMsMax: round(pollMsMax),
    serverCpuPct: usage.cpuPct,
    serverCpuMs: usage.cpuMs,
    serverMainCpuMs: usage.mainCpuMs,
    hollowCpuMs,
    serverPeakRssMb: usage.peakRssMb,
  };
}

/** `brink_agent_messages_total` from a /metrics text, keyed "direction type". */
function agentMessages(metrics: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of metrics.matchAll(
    /^brink_agent_messages_total\{direction="(\w+)",type="([\w-]+)"\} (\d+)$/gm,
  ))
    out.set(`${m[1]} ${m[2]}`, Number(m[3]));
  return out;
}

/**
 * Waits until the stopped jobs' allocations have all left `running` and `pending`, then a
 * moment more: the next scenario must not measure this one's teardown.
 */
async function settle(f: Fleet, names: string[]): Promise<void> {
  const busy = async () => {
    for (const name of names) {
      const allocs = await f.admin.jobAllocations(name);
      if (allocs.some((a) => a.status === "running" || a.status === "pending")) return true;
    }
    return false;
  };
  const end = performance.now() + 120_000;
  while ((await busy()) && performance.now() < end) await sleep(1000);
  await sleep(2000);
}

const e2e10k = (f: Fleet) => e2e(f, ["e2e-10k"], 10_000, 1);
const e2e100x100 = (f: Fleet) =>
  e2e(
    f,
    Array.from({ length: 100 }, (_, i) => `e2e-100x100-${String(i).padStart(3, "0")}`),
    100,
    8,
  );

// ---- a real agent ----------------------------------------------------------------------------

async function agentFootprint(store: StoreChoice, chosen: string[]): Promise<Row[]> {
  const dir = tempDir("bench-scale-agent");
  dirs.add(dir);
  const made = store.make();
  const rows: Row[] = [];
  let agent: Proc | undefined;
  let server: TestServer | undefined;
  try {
    server = await startServer(join(dir, "server"), made.args);
    track(server.proc);
    agent = track(startAgent(server, "edge", dir, ["--peer-listen", "127.0.0.1:0"]));
    const s = server;
    await waitFor(
      "the agent ready",
      async () => (await s.admin.listNodes()).some((n) => n.status === "ready") || undefined,
      60_000,
    );
    await sleep(2000); // past the start-up burst
    // The same window, a bare `node` that wakes once a second and does nothing: what a wake-up
    // costs on this machine at that moment (on a VM it varies several-fold from hour to hour),
    // so the agent's CPU share can be read against it.
    const measure = async () => {
      const bare = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
        stdio: "ignore",
      });
      try {
        await sleep(1000);
        const meter = new CpuMeter(agent?.child.pid).start();
        const baseline = new CpuMeter(bare.pid).start();
        const woken = wakeUps(agent?.child.pid);
        const t0 = performance.now();
        await sleep(opts.agentSec * 1000);
        const bareNodeCpuPct = baseline.stop().cpuPct;
        const perSec = (wakeUps(agent?.child.pid) - woken) / ((performance.now() - t0) / 1000);
        return {
          ...meter.stop(),
          wakeUpsPerSec: Math.round(perSec * 100) / 100,
          bareNodeCpuPct,
        };
      } finally {
        bare.kill();
      }
    };
    if (chosen.includes("agent-idle")) rows.push({ scenario: "agent-idle", ...(await measure()) });
    if (chosen.includes("agent-20-tasks")) {
      await s.admin.submitJob({
        name: "twenty",
        tasks: [
          {
            name: "sleep",
            count: 20,
            driver: "exec",
            config: { command: "/bin/sh", args: ["-c", "exec sleep 3600"] },
            resources: { cpu: 10, memory: 16 },
          },
        ],
      });
      await waitFor(
        "20 tasks running",
        async () =>
          (await s.admin.jobAllocations("twenty")).filter((a) => a.status === "running").length >=
            20 || undefined,
        60_000,
      );
      await sleep(2000);
      rows.push({ scenario: "agent-20-tasks", tasks: 20, ...(await measure()) });
    }
    return rows.map((r) => ({ ...r, seconds: opts.agentSec }));
  } finally {
    if (agent) await halt(agent);
    if (server) await halt(server.proc);
    killStrays(dir);
    removeDir(dir);
    dirs.delete(dir);
    made.drop();
  }
}

// ---- main ------------------------------------------------------------------------------------

const FLEET_RUN: Record<string, (f: Fleet) => Promise<Row>> = {
  connect,
  heartbeat,
  "join-storm": joinStorm,
  "e2e-10k-allocs": e2e10k,
  "e2e-100x100": e2e100x100,
};

function print(row: Row): void {
  if (values.json) {
    console.log(JSON.stringify(row));
    return;
  }
  const { scenario, nodes, store, ...rest } = row;
  console.log(`${String(scenario)} (${String(nodes)} nodes, ${String(store)}):`);
  for (const [k, v] of Object.entries(rest))
    console.log(`  ${k.padEnd(28)} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
}

async function runStore(store: StoreChoice, chosen: string[]): Promise<void> {
  const head = (scenario: string, nodes: number) => ({ scenario, nodes, store: store.label });
  const fleetScenarios = FLEET_SCENARIOS.filter((s) => chosen.includes(s));
  if (fleetScenarios.length > 0) {
    const f = await Fleet.start(store.label, store);
    try {
      // The fleet must connect for every other scenario; its figures are printed if chosen.
      const connected = await connect(f);
      if (chosen.includes("connect")) print({ ...head("connect", opts.nodes), ...connected });
      if (connected.readyMs === null)
        throw new Error(`only ${String(connected.ready)} of ${opts.nodes} nodes became ready`);
      for (const s of fleetScenarios.filter((x) => x !== "connect")) {
        const run = FLEET_RUN[s];
        if (run) print({ ...head(s, opts.nodes), ...(await run(f)) });
      }
    } finally {
      await f.close();
    }
  }
  if (AGENT_SCENARIOS.some((s) => chosen.includes(s)))
    for (const row of await agentFootprint(store, chosen))
      print({ ...head(String(row.scenario), 1), ...row });
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
  const chosen = values.scenario.split(",").map((s) => s.trim());
  const unknown = chosen.filter((s) => !SCENARIOS.includes(s));
  if (unknown.length > 0) {
    console.error(`unknown scenario ${unknown.join(", ")}; choose from ${SCENARIOS.join(", ")}`);
    process.exit(2);
  }
  for (const store of storeChoices(values.store)) await runStore(store, chosen);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
