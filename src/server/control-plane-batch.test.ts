import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Fingerprint,
  type ServerMessage,
  systemClock,
  validateJobSpec,
} from "../model/index.js";
import { openStore, type PlanCommit, type Store } from "../store/index.js";
import { serverConfig } from "./config.js";
import { ControlPlane } from "./control-plane.js";
import { ServerMetrics } from "./metrics.js";

const fingerprint = (cpu: number): Fingerprint => ({
  resources: { cpu, memory: 4096, disk: 10_000 },
  arch: "x64",
  os: "linux",
  kernel: "6.1",
  hostname: "h",
  cpuModel: "test",
  gpus: [],
  drivers: ["exec"],
});

const spec = (name: string, cpu: number, count = 1) =>
  validateJobSpec({
    name,
    tasks: [
      { name: "t", count, driver: "exec", config: { command: "/bin/true" }, resources: { cpu } },
    ],
  });

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Evaluations waiting together are planned as one batch (each against the committed state plus
// the plans before it) and committed in one transaction; submissions arriving together are
// stored in one transaction. These check that batching never changes what is decided.
describe("control plane batches", () => {
  let dir: string;
  let store: Store;
  let cp: ControlPlane;
  let metrics: ServerMetrics;
  const planCalls: PlanCommit[][] = [];
  const submitCalls: number[] = [];
  let submitChain: Promise<unknown> = Promise.resolve();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "brink-batch-"));
    const real = await openStore("sqlite::memory:");
    planCalls.length = 0;
    submitCalls.length = 0;
    submitChain = Promise.resolve();
    const spies: Partial<Store> = {
      applyPlans: (commits) => {
        planCalls.push([...commits]);
        return real.applyPlans(commits);
      },
      submitJobs: (entries) => {
        submitCalls.push(entries.length);
        // In order, after the gate (a test may hold writes back to keep them in flight).
        const write = submitChain.then(() => real.submitJobs(entries));
        submitChain = write.catch(() => undefined);
        return write;
      },
    };
    store = new Proxy(real, {
      get: (target, prop, receiver) => {
        const spy = spies[prop as keyof Store];
        if (spy) return spy;
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    metrics = new ServerMetrics();
    cp = new ControlPlane({
      store,
      config: serverConfig({ dataDir: dir }),
      logger: pino({ level: "silent" }),
      metrics,
      clock: systemClock,
    });
    await cp.start();
  });

  afterEach(async () => {
    await cp.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function readyNode(name: string, cpu: number): Promise<string> {
    const { node } = await cp.joinNode({
      name,
      site: "s",
      labels: {},
      fingerprint: fingerprint(cpu),
    });
    await cp.hello(node.id, fingerprint(cpu), [], undefined, undefined);
    return node.id;
  }

  it("never places two plans of one batch into the same free room", async () => {
    await readyNode("only", 1000);
    // Both submissions are stored together and both evaluations wait for the same batch.
    const [a, b] = await Promise.all([cp.submitJob(spec("a", 800)), cp.submitJob(spec("b", 800))]);
    await until(
      "both evaluated",
      () => cp.jobAllocations("a").length + cp.jobAllocations("b").length === 2,
    );
    const placed = [...cp.jobAllocations("a"), ...cp.jobAllocations("b")].filter((x) => x.nodeId);
    expect(placed).toHaveLength(1);
    const waiting = [...cp.jobAllocations("a"), ...cp.jobAllocations("b")].find((x) => !x.nodeId);
    expect(waiting?.reasons.join(" ")).toMatch(/exhausted cpu/);
    expect(submitCalls).toEqual([2]);
    const batched = planCalls.find((c) => c.length === 2);
    expect(batched?.map((c) => c.evaluation?.id).sort()).toEqual(
      [a.evaluation.id, b.evaluation.id].sort(),
    );
  });

  it("numbers versions of one job submitted twice in one group in order", async () => {
    const [first, second, other] = await Promise.all([
      cp.submitJob(spec("same", 100)),
      cp.submitJob(spec("same", 200)),
      cp.submitJob(spec("else", 100)),
    ]);
    expect(submitCalls).toEqual([3]);
    expect([first.job.version, second.job.version, other.job.version]).toEqual([1, 2, 1]);
    expect(second.job.id).toBe(first.job.id);
    expect(cp.getJob("same").version).toBe(2);
    expect((await store.listJobVersions(first.job.id)).map((j) => j.version)).toEqual([1, 2]);
  });

  it("numbers a version after one still being stored, and stops the newest", async () => {
    let open = () => {};
    submitChain = new Promise<void>((resolve) => {
      open = resolve;
    });
    const first = cp.submitJob(spec("slow", 100));
    await new Promise((r) => setTimeout(r, 20));
    const second = cp.submitJob(spec("slow", 200));
    await new Promise((r) => setTimeout(r, 20));
    // Not visible before it is stored.
    expect(() => cp.getJob("slow")).toThrow(/no job/);
    const stopping = cp.stopJob("slow").catch((err: Error) => err);
    open();
    const [a, b] = await Promise.all([first, second]);
    expect(submitCalls).toEqual([1, 1]);
    expect([a.job.version, b.job.version]).toEqual([1, 2]);
    expect(b.job.id).toBe(a.job.id);
    // The stop was asked after both submissions: it applies to version 2.
    const stopped = await stopping;
    expect(stopped).not.toBeInstanceOf(Error);
    expect(cp.getJob("slow")).toMatchObject({ version: 2, stopped: true, status: "dead" });
    expect((await store.getJob(a.job.id))?.version).toBe(2);
  });

  it("plans a submission while it is being stored and commits the plan only after it", async () => {
    await readyNode("n", 1000);
    let open = () => {};
    submitChain = new Promise<void>((resolve) => {
      open = resolve;
    });
    const submitted = cp.submitJob(spec("early", 100, 2));
    await new Promise((r) => setTimeout(r, 30));
    // Planned already (the scheduler ran), but nothing is committed.
    const runs = (await metrics.schedulerSeconds.get()).values.find((v) =>
      v.metricName?.endsWith("_count"),
    );
    expect(runs?.value).toBe(1);
    expect(planCalls).toEqual([]);
    open();
    const { job, evaluation } = await submitted;
    await until("placed", () => cp.jobAllocations("early").filter((x) => x.nodeId).length === 2);
    const [commit] = planCalls;
    expect(commit?.[0]?.evaluation).toMatchObject({ id: evaluation.id, status: "complete" });
    expect((await store.listAllocations({ jobId: job.id })).length).toBe(2);
  });

  it("drops a plan whose submission was not stored", async () => {
    await readyNode("n", 1000);
    let fail = (_err: Error) => {};
    submitChain = new Promise<void>((_resolve, reject) => {
      fail = reject;
    });
    const submitted = cp.submitJob(spec("lost", 100)).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 30));
    fail(new Error("disk full"));
    expect(await submitted).toBeInstanceOf(Error);
    // The control plane goes on: the next submission is planned and committed as usual.
    submitChain = Promise.resolve();
    await cp.submitJob(spec("next", 100));
    await until("next placed", () => cp.jobAllocations("next").some((x) => x.nodeId));
    expect(() => cp.getJob("lost")).toThrow(/no job/);
    expect(
      planCalls
        .flat()
        .flatMap((c) => c.upsertAllocs)
        .map((x) => x.jobId),
    ).toEqual([cp.getJob("next").id]);
    expect(await store.listJobs()).toHaveLength(1);
  });

  it("plans each job of a batch on the placements of the ones before it", async () => {
    for (let i = 0; i < 4; i++) await readyNode(`n${i}`, 1000);
    const jobs = Array.from({ length: 8 }, (_, i) => spec(`j${i}`, 400, 2));
    await Promise.all(jobs.map((j) => cp.submitJob(j)));
    const all = () => jobs.flatMap((j) => cp.jobAllocations(j.name));
    await until("all evaluated", () => all().length === 16);
    // 4 nodes × 1000 cpu hold 8 allocations of 400 (two each): the other 8 wait.
    const perNode = new Map<string, number>();
    for (const x of all()) if (x.nodeId) perNode.set(x.nodeId, (perNode.get(x.nodeId) ?? 0) + 400);
    expect([...perNode.values()].every((used) => used <= 1000)).toBe(true);
    expect(all().filter((x) => x.nodeId).length).toBe(8);
    expect(planCalls.some((c) => c.length > 1)).toBe(true);
  });
});

// Pushes after commits are coalesced per node: what several commits give a node within the push
// interval reaches it in one desired-state message; a node that was quiet is pushed at once.
describe("control plane pushes", () => {
  let dir: string;
  let store: Store;
  let cp: ControlPlane | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "brink-push-"));
    store = await openStore("sqlite::memory:");
  });

  afterEach(async () => {
    await cp?.close();
    cp = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A node with a session that keeps the `allocs` messages it is sent. */
  async function connectedNode(pushIntervalMs: number) {
    const plane = new ControlPlane({
      store,
      config: serverConfig({ dataDir: dir, pushIntervalMs }),
      logger: pino({ level: "silent" }),
      metrics: new ServerMetrics(),
      clock: systemClock,
    });
    cp = plane;
    await plane.start();
    const { node } = await plane.joinNode({
      name: "n",
      site: "s",
      labels: {},
      fingerprint: fingerprint(4000),
    });
    const pushes: Extract<ServerMessage, { type: "allocs" }>[] = [];
    const keep = (m: ServerMessage) => {
      if (m.type === "allocs") pushes.push(m);
    };
    plane.sessionOpened({
      nodeId: node.id,
      remoteAddress: undefined,
      send: keep,
      sendText: (text) => keep(JSON.parse(text) as ServerMessage),
      close: () => undefined,
      terminate: () => undefined,
    });
    await plane.hello(node.id, fingerprint(4000), [], undefined, undefined);
    /** Submits a job of one allocation and waits until its plan has committed. */
    const place = async (name: string) => {
      await plane.submitJob(spec(name, 100));
      await until(`${name} placed`, () => plane.jobAllocations(name).some((a) => a.nodeId));
      return plane.jobAllocations(name)[0]?.id;
    };
    return { pushes, place };
  }

  it("sends a busy node the commits of one push interval in one message", async () => {
    const { pushes, place } = await connectedNode(1000);
    expect(pushes.map((m) => [m.full, m.allocs.length])).toEqual([[true, 0]]);
    // Both commits follow the hello's push within the interval: they wait for the push tick.
    const a = await place("a");
    const b = await place("b");
    expect(pushes).toHaveLength(1);
    await until("the push tick", () => pushes.length === 2);
    expect(pushes[1]?.allocs.map((x) => x.id).sort()).toEqual([a, b].sort());
    // Quiet for longer than the interval: the next commit is pushed as it lands.
    await new Promise((r) => setTimeout(r, 1100));
    const c = await place("c");
    expect(pushes).toHaveLength(3);
    expect(pushes[2]?.allocs.map((x) => x.id)).toEqual([c]);
  });

  it("pushes after every commit with an interval of 0", async () => {
    const { pushes, place } = await connectedNode(0);
    const a = await place("a");
    const b = await place("b");
    expect(pushes.slice(1).map((m) => m.allocs.map((x) => x.id))).toEqual([[a], [b]]);
  });
});
