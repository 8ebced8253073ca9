/**
 * Network benchmark on real processes: the built CLI (dist/, `npm run build` first) as one server
 * and one agent on this machine; load from autocannon in this process. Prints one JSON line per
 * scenario with --json, a summary otherwise:
 *   {"scenario":"proxy-overhead",...} — one echo replica; at --rate requests/s: p50/p99 direct
 *       to its port and through the agent's load balancer, and what the balancer adds; then the
 *       most requests/s each way (--connections, no rate limit);
 *   {"scenario":"latency-routing","policy",...} — three replicas, each behind a FaultProxy adding
 *       2, 20 and 80 ms to the round trip; p50/p99 client latency through the balancer per policy,
 *       the share of requests each replica got, and the p50 direct to the 2 ms replica;
 *   {"scenario":"ejection","mode",...} — three echo replicas (round_robin, an http check every
 *       500 ms) under load (at most 1,000/s); one
 *       goes away halfway — `kill`: SIGKILL of its process; `close`: it stops accepting
 *       connections but keeps running (registered until its check fails): requests that failed
 *       at the client, requests the balancer still sent it and when it sent the last one, and
 *       when the balancer dropped it from its table (status page polled every 5 ms).
 * Usage: npm run bench:network -- [--json] [--scenario proxy-overhead,latency-routing,ejection]
 *        [--duration 10] [--rate 2000] [--connections 50]
 * Latencies are computed from every response time autocannon measures (sub-millisecond), not its
 * whole-millisecond histogram. One 2-core machine runs server, agent, replicas and load: compare
 * runs, not absolute figures.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import type { Allocation } from "../src/model/index.js";
import {
  type Proc,
  startAgent,
  startServer,
  type TestServer,
  teardown,
  tempDir,
  waitFor,
  waitReady,
} from "../test/harness.js";
import { positive } from "./cli-args.js";

const SCENARIOS = ["proxy-overhead", "latency-routing", "ejection"] as const;
type Scenario = (typeof SCENARIOS)[number];
const POLICIES = ["latency", "round_robin", "least_requests"] as const;

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    scenario: { type: "string", default: SCENARIOS.join(",") },
    duration: { type: "string", default: "10" },
    rate: { type: "string", default: "2000" },
    connections: { type: "string", default: "50" },
  },
});
const scenarios = values.scenario.split(",") as Scenario[];
for (const s of scenarios) {
  if (!SCENARIOS.includes(s)) {
    console.error(`unknown --scenario "${s}"; one of ${SCENARIOS.join(", ")}`);
    process.exit(2);
  }
}
const DURATION = positive("duration", values.duration);
const RATE = positive("rate", values.rate);
const CONNECTIONS = positive("connections", values.connections);

const ECHO = join(import.meta.dirname, "..", "test", "fixtures", "echo-service.mjs");
const REPLICA = join(import.meta.dirname, "network", "delayed-replica.ts");
const TSX = import.meta.resolve("tsx");

function emit(fields: Record<string, unknown>): void {
  // The machine's 1-minute load average: on a shared machine it explains much of the spread.
  const line = { ...fields, loadAvg1m: Math.round((loadavg()[0] ?? 0) * 10) / 10 };
  if (values.json) console.log(JSON.stringify(line));
  else
    console.log(
      Object.entries(line)
        .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`)
        .join("  "),
    );
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface Load {
  p50: number;
  p99: number;
  reqPerSec: number;
  requests: number;
  failed: number;
  /** Answers per replica (by the echo's `index`), when asked for. */
  byIndex: Record<string, number>;
}

/** Runs autocannon against `url`; every response time and (optionally) who answered is kept. */
async function load(
  url: string,
  opts: { seconds: number; rate?: number; connections: number; countReplicas?: boolean },
  during?: () => Promise<void>,
): Promise<Load> {
  const times: number[] = [];
  const byIndex: Record<string, number> = {};
  let finish: (r: autocannon.Result) => void = () => undefined;
  let failRun: (err: Error) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    failRun = reject;
  });
  const instance = autocannon(
    {
      url,
      duration: opts.seconds,
      connections: opts.connections,
      ...(opts.rate ? { overallRate: opts.rate } : {}),
      ...(opts.countReplicas
        ? {
            setupClient: (client: autocannon.Client) => {
              client.on("body", (body: Buffer) => {
                const m = /"index":(\d+)/.exec(body.toString());
                const k = m?.[1] ?? "?";
                byIndex[k] = (byIndex[k] ?? 0) + 1;
              });
            },
          }
        : {}),
    },
    (err, result) => (err ? failRun(err) : finish(result)),
  );
  instance.on("response", (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const [result] = await Promise.all([done, during?.()]);
  times.sort((a, b) => a - b);
  return {
    p50: round(percentile(times, 50)),
    p99: round(percentile(times, 99)),
    reqPerSec: Math.round(result.requests.total / opts.seconds),
    requests: result.requests.total,
    failed: result.errors + result.timeouts + result.non2xx,
    byIndex,
  };
}

class Bench {
  private readonly dir = tempDir("bench-network");
  private server: TestServer | undefined;
  private agent: Proc | undefined;
  lb = "";

  async start(): Promise<void> {
    this.server = await startServer(join(this.dir, "server"));
    const agent = startAgent(this.server, "edge", this.dir, ["--site", "s1"]);
    this.agent = agent;
    await waitReady(this.server, 1);
    this.lb = await waitFor("the load balancer", () => {
      for (const line of agent.lines) {
        if (!line.startsWith("{")) continue;
        const rec = JSON.parse(line) as { msg?: string; lb?: string };
        if (rec.msg === "load balancer open" && rec.lb) return rec.lb;
      }
      return undefined;
    });
  }

  /** CPU time the agent process (and so its load balancer) used so far, ms. */
  agentCpuMs(): number {
    const pid = this.agent?.child.pid;
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  }

  get admin() {
    if (!this.server) throw new Error("the server is not started");
    return this.server.admin;
  }

  /** Submits a service job and waits until the balancer has `count` healthy endpoints of it. */
  async service(name: string, count: number, task: Record<string, unknown>): Promise<Allocation[]> {
    await this.admin.submitJob({
      name,
      tasks: [
        {
          name: "web",
          count,
          driver: "exec",
          resources: { cpu: 10, memory: 64 },
          ports: [{ name: "http" }],
          check: { type: "http", path: "/health", interval: "500ms", timeout: "1s" },
          ...task,
        },
      ],
    });
    await waitFor(`the balancer to know ${name}`, async () => {
      const list = (await (await fetch(`http://${this.lb}/_brink/services`)).json()) as Array<{
        name: string;
        endpoints: Array<{ healthy: boolean }>;
      }>;
      const s = list.find((x) => x.name === `${name}-web`);
      return s && s.endpoints.filter((e) => e.healthy).length === count ? true : undefined;
    });
    return (await this.admin.jobAllocations(name)).filter((a) => a.status === "running");
  }

  async stopJob(name: string): Promise<void> {
    await this.admin.stopJob(name);
    await waitFor(
      `${name} stopped`,
      async () =>
        (await this.admin.jobAllocations(name)).every((a) => a.status !== "running") || undefined,
    );
  }

  async close(): Promise<void> {
    await teardown(this.agent ? [this.agent] : [], this.server, this.dir);
  }
}

const echo = (extra: Record<string, unknown> = {}) => ({
  config: { command: process.execPath, args: [ECHO] },
  ...extra,
});

async function proxyOverhead(b: Bench): Promise<void> {
  const [alloc] = await b.service("overhead", 1, echo());
  const direct = `http://127.0.0.1:${alloc?.ports?.[0]?.port}/`;
  const viaLb = `http://${b.lb}/overhead-web/`;
  const warm = { seconds: 2, rate: RATE, connections: 10 };
  await load(direct, warm);
  await load(viaLb, warm);
  const at = { seconds: DURATION, rate: RATE, connections: 10 };
  const d = await load(direct, at);
  const cpuBefore = b.agentCpuMs();
  const l = await load(viaLb, at);
  const lbCpuUsPerRequest = Math.round(((b.agentCpuMs() - cpuBefore) * 1000) / l.requests);
  const max = { seconds: DURATION, connections: CONNECTIONS };
  const dMax = await load(direct, max);
  const lMax = await load(viaLb, max);
  emit({
    scenario: "proxy-overhead",
    rate: RATE,
    directP50Ms: d.p50,
    directP99Ms: d.p99,
    lbP50Ms: l.p50,
    lbP99Ms: l.p99,
    addedP50Ms: round(l.p50 - d.p50),
    addedP99Ms: round(l.p99 - d.p99),
    failed: d.failed + l.failed,
    lbCpuUsPerRequest,
    directMaxReqPerSec: dMax.reqPerSec,
    lbMaxReqPerSec: lMax.reqPerSec,
    maxConnections: CONNECTIONS,
  });
  await b.stopJob("overhead");
}

async function latencyRouting(b: Bench): Promise<void> {
  const roundTrips = [2, 20, 80];
  const replica = {
    config: { command: process.execPath, args: ["--import", TSX, REPLICA] },
    env: { ROUND_TRIPS_MS: roundTrips.join(",") },
    resources: { cpu: 10, memory: 128 },
  };
  const rate = Math.min(RATE, 200);
  let fastDirect: number | undefined;
  for (const policy of POLICIES) {
    const job = `geo-${policy.replace("_", "-")}`;
    const allocs = await b.service(job, 3, { ...replica, lb: { policy } });
    if (fastDirect === undefined) {
      const fast = allocs.find((a) => a.index === 0);
      const direct = `http://127.0.0.1:${fast?.ports?.[0]?.port}/`;
      await load(direct, { seconds: 2, rate, connections: 10 });
      fastDirect = (await load(direct, { seconds: DURATION, rate, connections: 10 })).p50;
    }
    const url = `http://${b.lb}/${job}-web/`;
    await load(url, { seconds: 2, rate, connections: 10 });
    const r = await load(url, { seconds: DURATION, rate, connections: 10, countReplicas: true });
    const share = Object.fromEntries(
      roundTrips.map((ms, i) => [`${ms}ms`, round((r.byIndex[String(i)] ?? 0) / r.requests)]),
    );
    emit({
      scenario: "latency-routing",
      policy,
      rate,
      p50Ms: r.p50,
      p99Ms: r.p99,
      fastReplicaDirectP50Ms: fastDirect,
      p50OverFast: round(r.p50 / fastDirect),
      share,
      failed: r.failed,
    });
    await b.stopJob(job);
  }
}

interface LbEndpoint {
  id: string;
  requests: number;
  lastSentAt: string | null;
}

/**
 * One of three replicas goes away under load: `kill` SIGKILLs its process (its agent sees the
 * exit at once and the control plane pushes it out), `close` makes it stop accepting connections
 * while it keeps running and stays registered until its check fails (passive ejection and the
 * check at work).
 */
async function ejection(b: Bench, mode: "kill" | "close"): Promise<void> {
  const job = `eject-${mode}`;
  // round_robin: the victim surely gets its third of the traffic until it is taken out.
  const allocs = await b.service(
    job,
    3,
    echo({ restart: { attempts: 0, mode: "fail" }, lb: { policy: "round_robin" } }),
  );
  const victim = allocs[0] as Allocation;
  const port = victim.ports?.[0]?.port;
  const answer = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { pid: number };
  const status = async (): Promise<LbEndpoint | undefined> => {
    const list = (await (await fetch(`http://${b.lb}/_brink/services`)).json()) as Array<{
      name: string;
      endpoints: LbEndpoint[];
    }>;
    return list.find((s) => s.name === `${job}-web`)?.endpoints.find((e) => e.id === victim.id);
  };
  let goneAt = 0;
  let lastSent = 0;
  let killedAt = 0;
  let sentAfter = 0;
  const rate = Math.min(RATE, 1000);
  const r = await load(
    `http://${b.lb}/${job}-web/`,
    { seconds: DURATION, rate, connections: 10 },
    async () => {
      await new Promise((res) => setTimeout(res, (DURATION * 1000) / 2));
      const before = (await status())?.requests ?? 0;
      killedAt = Date.now();
      if (mode === "kill") process.kill(answer.pid, "SIGKILL");
      else await fetch(`http://127.0.0.1:${port}/close?ms=600000`);
      while (Date.now() < killedAt + (DURATION * 1000) / 2 - 200) {
        const s = await status();
        if (!s) {
          goneAt ||= Date.now();
        } else {
          sentAfter = s.requests - before;
          if (s.lastSentAt) lastSent = Math.max(lastSent, Date.parse(s.lastSentAt));
        }
        await new Promise((res) => setTimeout(res, 5));
      }
    },
  );
  emit({
    scenario: "ejection",
    mode,
    rate,
    requests: r.requests,
    failed: r.failed,
    sentToDeadAfterKill: sentAfter,
    lastSentAfterKillMs: lastSent > killedAt ? lastSent - killedAt : 0,
    removedFromLbAfterMs: goneAt ? goneAt - killedAt : null,
    p99Ms: r.p99,
  });
  await b.stopJob(job);
}

const bench = new Bench();
try {
  await bench.start();
  if (scenarios.includes("proxy-overhead")) await proxyOverhead(bench);
  if (scenarios.includes("latency-routing")) await latencyRouting(bench);
  if (scenarios.includes("ejection")) {
    await ejection(bench, "kill");
    await ejection(bench, "close");
  }
} finally {
  await bench.close();
}
