import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type BrinkEvent, type Evaluation, type Job, newId } from "../model/index.js";
import {
  at,
  makeAllocation,
  makeEvaluation,
  makeJob,
  makeNode,
  makeToken,
  rejection,
} from "./fixtures.test-util.js";
import { type OpenStoreOptions, openStore } from "./open-store.js";
import { postgresTarget } from "./postgres/postgres-url.js";
import { SQLITE_PAGE_SIZE } from "./sqlite/open-sqlite-store.js";
import type { Store } from "./store.js";
import { parseStoreUrl } from "./store-url.js";

// ---------------------------------------------------------------- backends

interface Location {
  url: string;
  remove(): Promise<void>;
}

interface Backend {
  name: string;
  /** Why it cannot run here; undefined when it can. */
  unavailable: string | undefined;
  /** Keeps its data when closed and opened again. */
  persistent: boolean;
  /** Several processes may open (and migrate) one location at the same time. */
  concurrentOpen: boolean;
  /** A fresh, empty location of its own. */
  fresh(): Promise<Location>;
  /** How `openStore` is asked to open it. */
  open?: OpenStoreOptions;
  /** Runs SQL on the location behind the store's back (each statement in turn); rows of the last. */
  rawSql?(location: Location, statements: string[]): Promise<unknown[]>;
}

const PG_URL = process.env.BRINK_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function withPgClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function pgUnavailable(): Promise<string | undefined> {
  try {
    await withPgClient((client) => client.query("select 1"));
    return undefined;
  } catch (error) {
    const where = PG_URL.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
    return `PostgreSQL at ${where} is unreachable (${(error as Error).message})`;
  }
}

/** A random schema per location, dropped with everything in it afterwards. */
async function freshPostgres(): Promise<Location> {
  const schema = `brink_test_${randomBytes(6).toString("hex")}`;
  const url = new URL(PG_URL);
  url.searchParams.set("schema", schema);
  const remove = () =>
    withPgClient((client) => client.query(`drop schema if exists "${schema}" cascade`)).then(
      () => undefined,
    );
  return { url: url.toString(), remove };
}

/** A file under a nested directory that does not exist yet (the store must create it). */
async function freshSqliteFile(): Promise<Location> {
  const dir = await mkdtemp(join(tmpdir(), "brink-store-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  return { url: `sqlite:${join(dir, "state", "brink.db")}`, remove };
}

function sqliteRaw(location: Location, statements: string[]): Promise<unknown[]> {
  const db = new SqliteDatabase(location.url.slice("sqlite:".length));
  try {
    let rows: unknown[] = [];
    for (const text of statements) {
      const stmt = db.prepare(text);
      if (stmt.reader) rows = stmt.all();
      else {
        stmt.run();
        rows = [];
      }
    }
    return Promise.resolve(rows);
  } finally {
    db.close();
  }
}

function postgresRaw(location: Location, statements: string[]): Promise<unknown[]> {
  const schema = new URL(location.url).searchParams.get("schema") ?? "public";
  return withPgClient(async (client) => {
    await client.query(`set search_path to "${schema}"`);
    let rows: unknown[] = [];
    for (const text of statements) rows = (await client.query(text)).rows;
    return rows;
  });
}

const BACKENDS: Backend[] = [
  {
    name: "sqlite (memory)",
    unavailable: undefined,
    persistent: false,
    concurrentOpen: false,
    fresh: async () => ({ url: "sqlite::memory:", remove: async () => undefined }),
  },
  {
    name: "sqlite (file)",
    unavailable: undefined,
    persistent: true,
    // One process owns a SQLite file; two connections in one thread would block each other.
    concurrentOpen: false,
    fresh: freshSqliteFile,
    rawSql: sqliteRaw,
    // On the test's thread; the store's own thread (what the server runs) has its own tests.
    open: { sqliteThread: false },
  },

  {
    name: "postgres",
    unavailable: await pgUnavailable(),
    persistent: true,
    concurrentOpen: true,
    fresh: freshPostgres,
    rawSql: postgresRaw,
  },
];

// ---------------------------------------------------------------- the suite, per backend

for (const backend of BACKENDS) {
  const skip = backend.unavailable !== undefined && process.env.CI !== "true";
  if (skip) console.warn(`skipping store tests on ${backend.name}: ${backend.unavailable}`);

  describe.skipIf(skip)(backend.name, () => {
    let location: Location;
    let store: Store;

    beforeAll(() => {
      if (backend.unavailable !== undefined) {
        throw new Error(`${backend.name} is required when CI=true: ${backend.unavailable}`);
      }
    });

    beforeEach(async () => {
      location = await backend.fresh();
      store = await openStore(location.url, backend.open);
    });

    afterEach(async () => {
      await store?.close();
      await location?.remove();
    });

    it("names its kind", () => {
      expect(store.kind).toBe(backend.name.startsWith("postgres") ? "postgres" : "sqlite");
    });

    describe("meta", () => {
      it("returns undefined for a missing key, then the latest value set", async () => {
        expect(await store.getMeta("cluster-id")).toBeUndefined();
        await store.setMeta("cluster-id", "c-1");
        await store.setMeta("cluster-id", "c-2");
        await store.setMeta("other", "x");
        expect(await store.getMeta("cluster-id")).toBe("c-2");
        expect(await store.getMeta("other")).toBe("x");
      });
    });

    describe("tokens", () => {
      it("round-trips a token and replaces it by hash", async () => {
        const admin = makeToken({ role: "admin", nodeId: null });
        await store.putToken(admin);
        expect(await store.findToken(admin.hash)).toStrictEqual(admin);
        expect(await store.findToken("0".repeat(64))).toBeUndefined();

        const replaced = { ...admin, role: "join" as const, createdAt: at(9) };
        await store.putToken(replaced);
        expect(await store.findToken(admin.hash)).toStrictEqual(replaced);
      });

      it("deletes the tokens of one node only", async () => {
        const nodeId = newId();
        const mine = [makeToken({ nodeId }), makeToken({ nodeId })];
        const other = makeToken();
        const admin = makeToken({ role: "admin", nodeId: null });
        for (const token of [...mine, other, admin]) await store.putToken(token);

        await store.deleteTokensOfNode(nodeId);
        for (const token of mine) expect(await store.findToken(token.hash)).toBeUndefined();
        expect(await store.findToken(other.hash)).toStrictEqual(other);
        expect(await store.findToken(admin.hash)).toStrictEqual(admin);
      });
    });

    describe("nodes", () => {
      it("round-trips a node exactly, by id and by name", async () => {
        const node = makeNode({
          statusReason: "joined",
          labels: { "brink/site": "s", "a.b/c": "ü" },
        });
        await store.putNode(node);
        expect(await store.getNode(node.id)).toStrictEqual(node);
        expect(await store.getNodeByName(node.name)).toStrictEqual(node);
        expect(await store.getNode(newId())).toBeUndefined();
        expect(await store.getNodeByName("nope")).toBeUndefined();
      });

      it("lists nodes by name", async () => {
        const nodes = ["c", "a", "b"].map((name) => makeNode({ name }));
        for (const node of nodes) await store.putNode(node);
        expect((await store.listNodes()).map((n) => n.name)).toEqual(["a", "b", "c"]);
      });

      it("replaces a node by id, moving its name", async () => {
        const node = makeNode({ name: "old" });
        await store.putNode(node);
        const renamed = { ...node, name: "new", site: "tower-7", eligible: false };
        await store.putNode(renamed);
        expect(await store.getNodeByName("old")).toBeUndefined();
        expect(await store.getNodeByName("new")).toStrictEqual(renamed);
        expect(await store.listNodes()).toStrictEqual([renamed]);
      });

      it("refuses a name taken by another node with CONFLICT", async () => {
        const first = makeNode({ name: "edge-a" });
        await store.putNode(first);
        const error = await rejection(store.putNode(makeNode({ name: "edge-a" })));
        expect(error.code).toBe("CONFLICT");
        expect(error.message).toContain("edge-a");
        expect(await store.listNodes()).toStrictEqual([first]);
      });

      it("sets status, reason and heartbeat; a null heartbeat keeps the stored one", async () => {
        const node = makeNode();
        await store.putNode(node);
        await store.setNodeStatus(node.id, "down", "missed 3 heartbeats", null);
        expect(await store.getNode(node.id)).toStrictEqual({
          ...node,
          status: "down",
          statusReason: "missed 3 heartbeats",
        });
        await store.setNodeStatus(node.id, "ready", null, at(99));
        expect(await store.getNode(node.id)).toStrictEqual({
          ...node,
          status: "ready",
          statusReason: null,
          lastHeartbeat: at(99),
        });
      });

      it("reports NODE_NOT_FOUND when setting the status of an unknown node", async () => {
        const error = await rejection(store.setNodeStatus(newId(), "down", null, null));
        expect(error.code).toBe("NODE_NOT_FOUND");
      });
    });

    describe("jobs", () => {
      it("stores a submitted job and its evaluation", async () => {
        const job = makeJob();
        const evaluation = makeEvaluation(job.id, { unplaced: { web: ["cpu exhausted"] } });
        await store.submitJob(job, evaluation);
        expect(await store.getJob(job.id)).toStrictEqual(job);
        expect(await store.getJobByName(job.name)).toStrictEqual(job);
        expect(await store.getEvaluation(evaluation.id)).toStrictEqual(evaluation);
        expect(await store.getJob(newId())).toBeUndefined();
        expect(await store.getJobByName("nope")).toBeUndefined();
      });

      it("stores several submissions in order in one transaction (submitJobs)", async () => {
        const v1 = makeJob({ name: "api" });
        const v2 = { ...v1, version: 2, priority: 90, updatedAt: at(20) };
        const other = makeJob({ name: "web" });
        const evals = [makeEvaluation(v1.id), makeEvaluation(v1.id), makeEvaluation(other.id)];
        await store.submitJobs([
          { job: v1, evaluation: evals[0]! },
          { job: v2, evaluation: evals[1]! },
          { job: other, evaluation: evals[2]! },
        ]);
        expect(await store.listJobVersions(v1.id)).toStrictEqual([v1, v2]);
        expect(await store.listJobs()).toStrictEqual([v2, other]);
        expect(await store.listPendingEvaluations()).toHaveLength(3);
        await store.submitJobs([]);
        // A submission that breaks a constraint takes the whole group back.
        const v3 = { ...v1, version: 3, updatedAt: at(30) };
        const clash = { ...makeJob({ name: "db" }), version: 1 };
        await expect(
          store.submitJobs([
            { job: v3, evaluation: makeEvaluation(v1.id) },
            {
              job: clash,
              evaluation: {
                ...makeEvaluation(clash.id),
                id: evals[0]!.id,
                jobId: null as unknown as string,
              },
            },
          ]),
        ).rejects.toThrow();
        expect(await store.getJob(v1.id)).toStrictEqual(v2);
        expect(await store.getJob(clash.id)).toBeUndefined();
      });

      it("keeps every version, oldest first, and the newest as the job", async () => {
        const v1 = makeJob({ name: "api" });
        const v2 = { ...v1, version: 2, priority: 90, updatedAt: at(20) };
        const v3 = { ...v1, version: 3, priority: 10, updatedAt: at(30) };
        for (const job of [v1, v2, v3]) await store.submitJob(job, makeEvaluation(job.id));

        const versions = await store.listJobVersions(v1.id);
        expect(versions).toStrictEqual([v1, v2, v3]);
        expect(versions.map((j) => typeof j.version)).toEqual(["number", "number", "number"]);
        expect(await store.getJob(v1.id)).toStrictEqual(v3);
        expect(await store.listJobs()).toStrictEqual([v3]);
        expect(await store.listJobVersions(newId())).toEqual([]);
      });

      it("lists jobs by name", async () => {
        for (const name of ["zeta", "alpha", "mid"]) {
          const job = makeJob({ name });
          await store.submitJob(job, makeEvaluation(job.id));
        }
        expect((await store.listJobs()).map((j) => j.name)).toEqual(["alpha", "mid", "zeta"]);
      });

      it("rejects a version submitted twice with CONFLICT and writes nothing of it", async () => {
        const job = makeJob();
        await store.submitJob(job, makeEvaluation(job.id));
        const again = { ...job, priority: 1 };
        const evaluation = makeEvaluation(job.id);
        const error = await rejection(store.submitJob(again, evaluation));
        expect(error.code).toBe("CONFLICT");
        expect(await store.getJob(job.id)).toStrictEqual(job);
        expect(await store.listJobVersions(job.id)).toStrictEqual([job]);
        expect(await store.getEvaluation(evaluation.id)).toBeUndefined();
      });

      it("rejects a name taken by another job with CONFLICT and rolls back its version", async () => {
        const job = makeJob({ name: "shared" });
        await store.submitJob(job, makeEvaluation(job.id));
        const intruder = makeJob({ name: "shared" });
        const evaluation = makeEvaluation(intruder.id);
        const error = await rejection(store.submitJob(intruder, evaluation));
        expect(error.code).toBe("CONFLICT");
        expect(await store.getJob(intruder.id)).toBeUndefined();
        expect(await store.listJobVersions(intruder.id)).toEqual([]);
        expect(await store.getEvaluation(evaluation.id)).toBeUndefined();
        expect(await store.getJobByName("shared")).toStrictEqual(job);
      });

      it("updates the current job without a new version, with an optional evaluation", async () => {
        const job = makeJob();
        await store.submitJob(job, makeEvaluation(job.id));
        const stopped = { ...job, status: "dead" as const, stopped: true, updatedAt: at(50) };
        const evaluation = makeEvaluation(job.id, { trigger: "job-deregister", createdAt: at(50) });
        await store.updateJob(stopped, evaluation);
        expect(await store.getJob(job.id)).toStrictEqual(stopped);
        expect(await store.getJobByName(job.name)).toStrictEqual(stopped);
        expect(await store.listJobVersions(job.id)).toStrictEqual([job]);
        expect(await store.getEvaluation(evaluation.id)).toStrictEqual(evaluation);

        const running = { ...stopped, status: "running" as const, stopped: false };
        await store.updateJob(running);
        expect(await store.getJob(job.id)).toStrictEqual(running);
      });

      it("reports JOB_NOT_FOUND when updating an unknown job, writing no evaluation", async () => {
        const job = makeJob();
        const evaluation = makeEvaluation(job.id);
        const error = await rejection(store.updateJob(job, evaluation));
        expect(error.code).toBe("JOB_NOT_FOUND");
        expect(await store.getEvaluation(evaluation.id)).toBeUndefined();
        expect(await store.listJobs()).toEqual([]);
      });
    });

    describe("allocations", () => {
      it("round-trips allocations exactly", async () => {
        const job = makeJob();
        const placed = makeAllocation(job, {
          nodeId: newId(),
          status: "failed",
          exitCode: 137,
          signal: "SIGKILL",
          restarts: 3,
        });
        const unplaced = makeAllocation(job, { score: null, index: 1 });
        await store.putAllocations([placed, unplaced]);
        expect(await store.getAllocation(placed.id)).toStrictEqual(placed);
        expect(await store.getAllocation(unplaced.id)).toStrictEqual(unplaced);
        expect(await store.getAllocation(newId())).toBeUndefined();
      });

      it("filters by job, by node, and by both, oldest first", async () => {
        const [jobA, jobB] = [makeJob(), makeJob()];
        const [node1, node2] = [newId(), newId()];
        const a1 = makeAllocation(jobA, { nodeId: node1, createdAt: at(3) });
        const a2 = makeAllocation(jobA, { nodeId: node2, createdAt: at(1) });
        const a3 = makeAllocation(jobA, { nodeId: null, createdAt: at(2) });
        const b1 = makeAllocation(jobB, { nodeId: node1, createdAt: at(4) });
        await store.putAllocations([a1, a2, a3, b1]);

        expect(await store.listAllocations()).toStrictEqual([a2, a3, a1, b1]);
        expect(await store.listAllocations({})).toStrictEqual([a2, a3, a1, b1]);
        expect(await store.listAllocations({ jobId: jobA.id })).toStrictEqual([a2, a3, a1]);
        expect(await store.listAllocations({ nodeId: node1 })).toStrictEqual([a1, b1]);
        expect(await store.listAllocations({ jobId: jobB.id, nodeId: node1 })).toStrictEqual([b1]);
        expect(await store.listAllocations({ jobId: jobB.id, nodeId: node2 })).toEqual([]);
      });

      it("replaces by id, keeping the node filter in sync", async () => {
        const job = makeJob();
        const node = newId();
        const unplaced = makeAllocation(job);
        await store.putAllocations([unplaced]);
        expect(await store.listAllocations({ nodeId: node })).toEqual([]);

        const placed = { ...unplaced, nodeId: node, status: "running" as const, reasons: [] };
        await store.putAllocations([placed]);
        expect(await store.listAllocations({ nodeId: node })).toStrictEqual([placed]);
        expect(await store.listAllocations()).toStrictEqual([placed]);
      });

      it("applies writes in the order they are called, even when none is awaited", async () => {
        const job = makeJob();
        await store.submitJob(job, makeEvaluation(job.id));
        const alloc = makeAllocation(job);
        const versions = Array.from({ length: 20 }, (_, i) => ({
          ...alloc,
          restarts: i,
          updatedAt: at(100 + i),
        }));
        // Big and small writes mixed, all in flight at once: the last one called wins.
        const big = Array.from({ length: 300 }, () => makeAllocation(job));
        await Promise.all(
          versions.map((v, i) =>
            i % 2 === 0
              ? store.putAllocations([...big, v])
              : store.applyPlans([{ upsertAllocs: [v] }]),
          ),
        );
        expect((await store.getAllocation(alloc.id))?.restarts).toBe(19);
      });

      it("keeps the last of duplicate ids in one batch, and accepts an empty batch", async () => {
        const job = makeJob();
        const first = makeAllocation(job);
        const last = { ...first, status: "running" as const, nodeId: newId() };
        await store.putAllocations([first, last]);
        expect(await store.listAllocations()).toStrictEqual([last]);
        await store.putAllocations([]);
        expect(await store.listAllocations()).toStrictEqual([last]);
      });

      it("writes nothing of a batch when one row fails, even many inserts later", async () => {
        const job = makeJob();
        const good = Array.from({ length: 1200 }, (_, index) => makeAllocation(job, { index }));
        // A null job id breaks the NOT NULL constraint in the last of several INSERT statements.
        const broken = makeAllocation(job, { jobId: null as unknown as string });
        await expect(store.putAllocations([...good, broken])).rejects.toThrow();
        expect(await store.listAllocations()).toEqual([]);

        await store.putAllocations(good);
        expect(await store.listAllocations({ jobId: job.id })).toHaveLength(1200);
      });
    });

    describe("evaluations", () => {
      it("round-trips an evaluation and replaces it by id", async () => {
        const evaluation = makeEvaluation(newId(), { trigger: "node-update" });
        await store.putEvaluation(evaluation);
        expect(await store.getEvaluation(evaluation.id)).toStrictEqual(evaluation);
        const done = { ...evaluation, status: "complete" as const, unplaced: { web: ["x"] } };
        await store.putEvaluation(done);
        expect(await store.getEvaluation(evaluation.id)).toStrictEqual(done);
        expect(await store.getEvaluation(newId())).toBeUndefined();
      });

      it("lists pending evaluations oldest first, without finished ones", async () => {
        const jobId = newId();
        const third = makeEvaluation(jobId, { createdAt: at(30) });
        const first = makeEvaluation(jobId, { createdAt: at(10) });
        const done = makeEvaluation(jobId, { createdAt: at(5), status: "complete" });
        const failed = makeEvaluation(jobId, { createdAt: at(6), status: "failed" });
        const second = makeEvaluation(jobId, { createdAt: at(20) });
        for (const e of [third, first, done, failed, second]) await store.putEvaluation(e);
        expect(await store.listPendingEvaluations()).toStrictEqual([first, second, third]);

        await store.putEvaluation({ ...first, status: "complete" });
        expect(await store.listPendingEvaluations()).toStrictEqual([second, third]);
      });
    });

    describe("events", () => {
      const ev = (id: number, over: Partial<BrinkEvent> = {}): BrinkEvent => ({
        id,
        time: at(id),
        type: "alloc.running",
        message: `event ${id}`,
        ...over,
      });

      it("appends events and lists them after an id, oldest first, round-tripping exactly", async () => {
        expect(await store.lastEventId()).toBe(0);
        const detailed = ev(2, {
          type: "eval.blocked",
          severity: "warning",
          job: "j1",
          jobName: "web",
          details: { unplaced: { web: ["no node with driver wasm"] }, n: 3 },
        });
        await store.appendEvents([ev(1), detailed, ev(3)]);
        await store.appendEvents([]);
        expect(await store.listEvents()).toStrictEqual([ev(1), detailed, ev(3)]);
        expect(await store.listEvents({ since: 1 })).toStrictEqual([detailed, ev(3)]);
        expect(await store.listEvents({ since: 1, limit: 1 })).toStrictEqual([detailed]);
        expect(await store.listEvents({ limit: 2, newest: true })).toStrictEqual([detailed, ev(3)]);
        expect(await store.listEvents({ before: 3, since: 1 })).toStrictEqual([detailed]);
        expect(await store.lastEventId()).toBe(3);
        expect(await store.countEvents()).toBe(3);
      });

      it("keeps the first copy of an id stored twice", async () => {
        await store.appendEvents([ev(1)]);
        await store.appendEvents([ev(1, { message: "again" }), ev(2)]);
        expect((await store.listEvents()).map((e) => e.message)).toStrictEqual([
          "event 1",
          "event 2",
        ]);
      });

      it("filters by exact type, type group, node, job and allocation", async () => {
        await store.appendEvents([
          ev(1, { type: "node.ready", node: "n1" }),
          ev(2, { type: "node.down", node: "n2", severity: "error" }),
          ev(3, { type: "alloc.placed", node: "n1", nodeName: "edge", job: "j1", alloc: "a1" }),
          ev(4, { type: "alloc.failed", node: "n1", job: "j2", alloc: "a2" }),
          ev(5, { type: "job.submitted", job: "j1", jobName: "web" }),
        ]);
        const ids = async (q: Parameters<Store["listEvents"]>[0]) =>
          (await store.listEvents(q)).map((e) => e.id);
        expect(await ids({ types: ["node.down"] })).toStrictEqual([2]);
        expect(await ids({ types: ["node.*"] })).toStrictEqual([1, 2]);
        expect(await ids({ types: ["node.ready", "alloc.*"] })).toStrictEqual([1, 3, 4]);
        expect(await ids({ node: "n1" })).toStrictEqual([1, 3, 4]);
        expect(await ids({ job: "j1" })).toStrictEqual([3, 5]);
        expect(await ids({ alloc: "a2" })).toStrictEqual([4]);
        expect(await ids({ nodeName: "edge" })).toStrictEqual([3]);
        expect(await ids({ jobName: "web" })).toStrictEqual([5]);
        expect(await ids({ node: "n1", types: ["alloc.*"], since: 3 })).toStrictEqual([4]);
      });

      it("prunes to the newest N and by age, in batches larger than one statement", async () => {
        const many = Array.from({ length: 12_000 }, (_, i) => ev(i + 1));
        await store.appendEvents(many);
        expect(await store.pruneEvents({ keep: 1000 })).toBe(11_000);
        expect(await store.countEvents()).toBe(1000);
        expect((await store.listEvents({ limit: 1 }))[0]?.id).toBe(11_001);
        expect(await store.pruneEvents({ keep: 1000 })).toBe(0);
        // Times are `at(id)`: everything before at(11_501) goes.
        expect(await store.pruneEvents({ before: at(11_501) })).toBe(500);
        expect((await store.listEvents({ limit: 1 }))[0]?.id).toBe(11_501);
        expect(await store.lastEventId()).toBe(12_000);
      });
    });

    describe("applyPlan", () => {
      async function submitted(): Promise<{ job: Job; evaluation: Evaluation }> {
        const job = makeJob();
        const evaluation = makeEvaluation(job.id);
        await store.submitJob(job, evaluation);
        return { job, evaluation };
      }

      it("writes allocations, job status and evaluation together", async () => {
        const { job, evaluation } = await submitted();
        const old = makeAllocation(job, { nodeId: newId(), status: "running" });
        await store.putAllocations([old]);
        const stop = { ...old, desiredStatus: "stop" as const, updatedAt: at(60) };
        const fresh = makeAllocation(job, { nodeId: newId(), index: 1, createdAt: at(60) });
        const complete = { ...evaluation, status: "complete" as const, updatedAt: at(60) };

        await store.applyPlan({
          upsertAllocs: [stop, fresh],
          job: { id: job.id, status: "running", updatedAt: at(60) },
          evaluation: complete,
        });

        expect(await store.listAllocations({ jobId: job.id })).toStrictEqual([stop, fresh]);
        const stored = { ...job, status: "running" as const, updatedAt: at(60) };
        expect(await store.getJob(job.id)).toStrictEqual(stored);
        expect(await store.getJobByName(job.name)).toStrictEqual(stored);
        expect(await store.listJobVersions(job.id)).toStrictEqual([job]);
        expect(await store.getEvaluation(evaluation.id)).toStrictEqual(complete);
        expect(await store.listPendingEvaluations()).toEqual([]);
      });

      it("applies a plan with allocations only", async () => {
        const { job } = await submitted();
        const alloc = makeAllocation(job);
        await store.applyPlan({ upsertAllocs: [alloc] });
        expect(await store.listAllocations()).toStrictEqual([alloc]);
        await store.applyPlan({ upsertAllocs: [] });
        expect(await store.getJob(job.id)).toStrictEqual(job);
      });

      it("writes nothing when the plan's job does not exist (JOB_NOT_FOUND)", async () => {
        const { job, evaluation } = await submitted();
        const alloc = makeAllocation(job);
        const error = await rejection(
          store.applyPlan({
            upsertAllocs: [alloc],
            job: { id: newId(), status: "running", updatedAt: at(60) },
            evaluation: { ...evaluation, status: "complete" },
          }),
        );
        expect(error.code).toBe("JOB_NOT_FOUND");
        expect(await store.listAllocations()).toEqual([]);
        expect(await store.getEvaluation(evaluation.id)).toStrictEqual(evaluation);
      });

      it("writes a version-scoped job status only while that version is stored", async () => {
        const { job } = await submitted();
        const v2 = { ...job, version: 2, updatedAt: at(30) };
        await store.submitJob(v2, makeEvaluation(job.id));
        // Derived from version 1, arriving after version 2 was stored: left alone.
        await store.applyPlans([
          {
            upsertAllocs: [],
            job: { id: job.id, status: "running", updatedAt: at(40), version: 1 },
          },
        ]);
        expect(await store.getJob(job.id)).toStrictEqual(v2);
        await store.applyPlans([
          {
            upsertAllocs: [],
            job: { id: job.id, status: "running", updatedAt: at(41), version: 2 },
          },
        ]);
        expect((await store.getJob(job.id))?.status).toBe("running");
        const missing = await rejection(
          store.applyPlans([
            {
              upsertAllocs: [],
              job: { id: newId(), status: "running", updatedAt: at(42), version: 1 },
            },
          ]),
        );
        expect(missing.code).toBe("JOB_NOT_FOUND");
      });

      it("commits several plans in one transaction, all or none (applyPlans)", async () => {
        const a = await submitted();
        const b = await submitted();
        const allocA = makeAllocation(a.job);
        const allocB = makeAllocation(b.job);
        const movedA = { ...allocA, status: "running" as const, updatedAt: at(70) };
        const missing = {
          upsertAllocs: [makeAllocation(b.job)],
          job: { id: newId(), status: "running" as const, updatedAt: at(60) },
        };
        const error = await rejection(store.applyPlans([{ upsertAllocs: [allocA] }, missing]));
        expect(error.code).toBe("JOB_NOT_FOUND");
        expect(await store.listAllocations()).toEqual([]);
        await store.applyPlans([
          {
            upsertAllocs: [allocA],
            job: { id: a.job.id, status: "running", updatedAt: at(60) },
            evaluation: { ...a.evaluation, status: "complete" },
          },
          {
            upsertAllocs: [allocB, movedA],
            job: { id: b.job.id, status: "running", updatedAt: at(61) },
            evaluation: { ...b.evaluation, status: "complete" },
          },
        ]);
        // A later plan's version of an allocation wins.
        expect(await store.getAllocation(allocA.id)).toStrictEqual(movedA);
        expect(await store.getAllocation(allocB.id)).toStrictEqual(allocB);
        expect((await store.getJob(b.job.id))?.status).toBe("running");
        expect(await store.listPendingEvaluations()).toEqual([]);
        await store.applyPlans([]);
      });

      it("rolls back allocations and job status when its last statement fails", async () => {
        const { job, evaluation } = await submitted();
        const alloc = makeAllocation(job);
        // Allocations and the job are written first; the evaluation then breaks NOT NULL.
        const broken = { ...evaluation, jobId: null as unknown as string, status: "complete" };
        await expect(
          store.applyPlan({
            upsertAllocs: [alloc],
            job: { id: job.id, status: "running", updatedAt: at(60) },
            evaluation: broken as Evaluation,
          }),
        ).rejects.toThrow();
        expect(await store.listAllocations()).toEqual([]);
        expect(await store.getJob(job.id)).toStrictEqual(job);
        expect(await store.getEvaluation(evaluation.id)).toStrictEqual(evaluation);
        expect(await store.listPendingEvaluations()).toStrictEqual([evaluation]);
      });
    });

    describe("lifecycle", () => {
      it("migrates idempotently, keeping data", async () => {
        await store.setMeta("k", "v");
        await store.migrate();
        await store.migrate();
        expect(await store.getMeta("k")).toBe("v");
      });

      if (backend.persistent)
        it("reads everything back after reopening", async () => {
          const node = makeNode();
          const job = makeJob();
          const evaluation = makeEvaluation(job.id);
          const alloc = makeAllocation(job, { nodeId: node.id });
          const token = makeToken({ nodeId: node.id });
          await store.setMeta("cluster-id", "c-9");
          await store.putToken(token);
          await store.putNode(node);
          await store.submitJob(job, evaluation);
          await store.putAllocations([alloc]);
          const event = { id: 7, time: at(7), type: "node.ready" as const, message: "ready" };
          await store.appendEvents([event]);
          await store.close();

          store = await openStore(location.url, backend.open);
          expect(await store.getMeta("cluster-id")).toBe("c-9");
          expect(await store.findToken(token.hash)).toStrictEqual(token);
          expect(await store.getNode(node.id)).toStrictEqual(node);
          expect(await store.getJob(job.id)).toStrictEqual(job);
          expect(await store.listJobVersions(job.id)).toStrictEqual([job]);
          expect(await store.listAllocations({ nodeId: node.id })).toStrictEqual([alloc]);
          expect(await store.listPendingEvaluations()).toStrictEqual([evaluation]);
          expect(await store.listEvents()).toStrictEqual([event]);
          expect(await store.lastEventId()).toBe(7);
        });

      const rawSql = backend.rawSql;
      if (rawSql)
        it("re-keys allocations stored before keys followed creation order (0004)", async () => {
          const job = makeJob();
          const node = makeNode();
          // One id as every id was made before (random UUID), one as ids are made now.
          const old = makeAllocation(job, {
            id: globalThis.crypto.randomUUID(),
            nodeId: node.id,
            createdAt: at(1),
          });
          const current = makeAllocation(job, { nodeId: node.id, createdAt: at(5) });
          await store.putAllocations([old, current]);
          await store.close();
          // Back to the schema before 0004: rows keyed by id, the node index, 0004 not applied.
          await rawSql(location, [
            "update allocations set id = substr(id, length(id) - 8) || substr(id, 1, length(id) - 9)",
            "create index allocations_node_id on allocations (node_id)",
            "delete from kysely_migration where name = '0004-allocations-order'",
          ]);
          expect(await rawSql(location, ["select id from allocations order by id"])).toEqual(
            [{ id: old.id }, { id: current.id }].sort((a, b) => (a.id < b.id ? -1 : 1)),
          );

          store = await openStore(location.url, backend.open);
          expect(await store.getAllocation(old.id)).toStrictEqual(old);
          expect(await store.getAllocation(current.id)).toStrictEqual(current);
          const running = { ...old, status: "running" as const };
          await store.putAllocations([running]);
          expect(await store.listAllocations({ nodeId: node.id })).toStrictEqual([
            running,
            current,
          ]);
          const indexes = await rawSql(location, [
            backend.name.startsWith("postgres")
              ? "select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'allocations'"
              : "select name from sqlite_master where type = 'index' and tbl_name = 'allocations'",
          ]);
          expect(indexes.map((r) => (r as { name: string }).name)).not.toContain(
            "allocations_node_id",
          );
        });

      if (backend.concurrentOpen)
        it("opens one fresh location from many clients at once", async () => {
          const shared = await backend.fresh();
          try {
            const stores = await Promise.all([1, 2, 3].map(() => openStore(shared.url)));
            const [a, b] = stores;
            await a!.setMeta("k", "from a");
            expect(await b!.getMeta("k")).toBe("from a");
            await Promise.all(stores.map((s) => s.close()));
          } finally {
            await shared.remove();
          }
        });
    });
  });
}

// ---------------------------------------------------------------- URLs and backend specifics

describe("store URLs", () => {
  it("parses sqlite and postgres URLs", () => {
    expect(parseStoreUrl("sqlite:./data/brink.db")).toEqual({
      kind: "sqlite",
      path: "./data/brink.db",
    });
    expect(parseStoreUrl("sqlite:///var/lib/brink.db")).toEqual({
      kind: "sqlite",
      path: "/var/lib/brink.db",
    });
    expect(parseStoreUrl("sqlite::memory:")).toEqual({ kind: "sqlite", path: ":memory:" });
    for (const url of ["postgres://u@h/db", "postgresql://u@h:5433/db?schema=x"]) {
      expect(parseStoreUrl(url)).toEqual({ kind: "postgres", url });
    }
  });

  it("rejects other schemes, naming the accepted ones and hiding passwords", async () => {
    const error = await rejection(openStore("mysql://root:hunter2@db/brink"));
    expect(error.message).toContain("sqlite:<path>");
    expect(error.message).toContain("postgres://");
    expect(error.message).toContain("postgresql://");
    expect(error.message).not.toContain("hunter2");
    expect(() => parseStoreUrl("sqlite:")).toThrow(/names no file/);
  });

  it("strips the schema from a postgres URL and sets the search path", () => {
    const target = postgresTarget("postgres://u@h:5432/db?schema=brink_a&sslmode=disable");
    expect(target.schema).toBe("brink_a");
    expect(target.options).toBe("-c search_path=brink_a");
    expect(target.connectionString).toBe("postgres://u@h:5432/db?sslmode=disable");

    const merged = postgresTarget("postgres://h/db?options=-c%20statement_timeout%3D5000", "s1");
    expect(merged.options).toBe("-c statement_timeout=5000 -c search_path=s1");
    expect(merged.connectionString).toBe("postgres://h/db");
    expect(postgresTarget("postgres://h/db").options).toBeUndefined();
  });

  it("refuses schema names that would need quoting", () => {
    for (const bad of ["Brink", "1st", "a-b", "x;drop", ""]) {
      expect(() => postgresTarget(`postgres://h/db?schema=${encodeURIComponent(bad)}`)).toThrow(
        /invalid PostgreSQL schema/,
      );
    }
  });
});

describe("sqlite file", () => {
  let location: Location;
  afterEach(() => location.remove());

  it("creates the directory and uses WAL", async () => {
    location = await freshSqliteFile();
    const store = await openStore(location.url);
    await store.close();
    const path = location.url.slice("sqlite:".length);
    const db = new SqliteDatabase(path, { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  });

  it("creates a new file with 16 KiB pages and keeps an existing file's page size", async () => {
    location = await freshSqliteFile();
    await (await openStore(location.url)).close();
    const path = location.url.slice("sqlite:".length);
    const pageSize = () => {
      const db = new SqliteDatabase(path, { readonly: true });
      try {
        return db.pragma("page_size", { simple: true });
      } finally {
        db.close();
      }
    };
    expect(pageSize()).toBe(SQLITE_PAGE_SIZE);
    // A file made before (4 KiB pages, SQLite's default) opens and works as it is.
    await location.remove();
    location = await freshSqliteFile();
    const older = location.url.slice("sqlite:".length);
    await mkdir(dirname(older), { recursive: true });
    const db = new SqliteDatabase(older);
    db.pragma("page_size = 4096");
    db.exec("create table t (x)");
    db.close();
    const store = await openStore(location.url);
    await store.putNode(makeNode({ name: "n1" }));
    expect((await store.listNodes()).map((n) => n.name)).toEqual(["n1"]);
    await store.close();
    const reopened = new SqliteDatabase(older, { readonly: true });
    try {
      expect(reopened.pragma("page_size", { simple: true })).toBe(4096);
    } finally {
      reopened.close();
    }
  });
});
