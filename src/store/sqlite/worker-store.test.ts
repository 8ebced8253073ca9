import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrinkError, newId } from "../../model/index.js";
import {
  at,
  makeAllocation,
  makeEvaluation,
  makeJob,
  makeNode,
  rejection,
} from "../fixtures.test-util.js";
import { openStore } from "../open-store.js";
import type { Store } from "../store.js";
import { SqliteWorkerStore } from "./worker-store.js";

// The contract itself runs against the same store on the test's thread (store.test.ts); this
// checks what the thread adds: records cross it exactly, errors keep their codes, calls are
// answered in order, and a closed or dead thread fails calls instead of hanging them.
describe("the SQLite store on its own thread", () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "brink-store-thread-"));
    store = await openStore(`sqlite:${join(dir, "brink.db")}`);
  });

  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("is what openStore gives for a SQLite file", () => {
    expect(store).toBeInstanceOf(SqliteWorkerStore);
    expect(store.kind).toBe("sqlite");
  });

  it("round-trips records exactly, optional fields and nulls included", async () => {
    const node = makeNode({ drain: null });
    await store.putNode(node);
    expect(await store.getNode(node.id)).toStrictEqual(node);
    expect(await store.getNode(newId())).toBeUndefined();
    const job = makeJob();
    const evaluation = makeEvaluation(job.id, { unplaced: { web: ["cpu exhausted"] } });
    await store.submitJobs([{ job, evaluation }]);
    expect(await store.getJob(job.id)).toStrictEqual(job);
    const alloc = makeAllocation(job, { nodeId: node.id, exitCode: null });
    await store.applyPlans([
      { upsertAllocs: [alloc], evaluation: { ...evaluation, status: "complete" } },
    ]);
    expect(await store.listAllocations({ jobId: job.id })).toStrictEqual([alloc]);
    const event = { id: 1, time: at(1), type: "node.ready" as const, message: "ready" };
    await store.appendEvents([event]);
    expect(await store.listEvents()).toStrictEqual([event]);
    expect(await store.lastEventId()).toBe(1);
  });

  it("keeps Brink's error codes across the thread", async () => {
    const missing = await rejection(store.setNodeStatus(newId(), "down", null, null));
    expect(missing).toBeInstanceOf(BrinkError);
    expect(missing.code).toBe("NODE_NOT_FOUND");
    const a = makeNode({ name: "same-name" });
    await store.putNode(a);
    const clash = await rejection(store.putNode(makeNode({ name: "same-name" })));
    expect(clash.code).toBe("CONFLICT");
    const job = makeJob();
    await store.submitJob(job, makeEvaluation(job.id));
    const plan = await rejection(
      store.applyPlans([
        { upsertAllocs: [makeAllocation(job)] },
        { upsertAllocs: [], job: { id: newId(), status: "running", updatedAt: at(9) } },
      ]),
    );
    expect(plan.code).toBe("JOB_NOT_FOUND");
    expect(await store.listAllocations({ jobId: job.id })).toEqual([]);
  });

  it("answers calls in the order they were made", async () => {
    const writes = Array.from({ length: 200 }, (_, i) => store.setMeta("counter", String(i)));
    const read = store.getMeta("counter");
    await Promise.all(writes);
    expect(await read).toBe("199");
  });

  it("fails calls after close instead of leaving them waiting", async () => {
    const other = await openStore(`sqlite:${join(dir, "other.db")}`);
    await other.close();
    await expect(other.getMeta("x")).rejects.toThrow(/SQLite store thread exited/);
    await other.close();
  });

  it("reports why the database cannot be opened", async () => {
    // A directory where the file should be: SQLite cannot open it.
    await expect(openStore(`sqlite:${dir}`)).rejects.toThrow(/unable to open|directory/i);
  });
});
