import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import {
  type Allocation,
  BrinkError,
  type BrinkEvent,
  type Evaluation,
  type Job,
  type Node,
  type NodeStatus,
} from "../../model/index.js";
import type {
  AllocFilter,
  EventQuery,
  EventRetention,
  PlanCommit,
  Store,
  TokenRecord,
} from "../store.js";
import type { SqliteStoreOptions } from "./open-sqlite-store.js";
import type { StoreFailure, StoreReply, WorkerMethod } from "./worker-protocol.js";

/**
 * Starts the worker module next to this one. Built, that is `store-worker.js`; running from
 * source (tests, `tsx`), the thread first registers tsx's loader and then imports the `.ts` file.
 */
function startWorker(options: SqliteStoreOptions): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./store-worker.js", import.meta.url), { workerData: options });
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const entry = new URL("./store-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: options });
}

function failure(e: StoreFailure): Error {
  if (e.code) return new BrinkError(e.code, e.message, e.details);
  const err = new Error(e.message);
  if (e.name) err.name = e.name;
  if (e.sqlCode) (err as Error & { code?: string }).code = e.sqlCode;
  return err;
}

/**
 * The SQLite store run on a thread of its own (`store-worker.ts`): the same store, reached by
 * messages. Each call is answered in order; arguments and results are copied between threads
 * (structured clone). Writes, commits and WAL checkpoints — a large share of the control plane's
 * work under load — then run beside the event loop instead of on it. If the thread dies, every
 * open and later call fails with the reason.
 */
export class SqliteWorkerStore implements Store {
  readonly kind = "sqlite";
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private dead: Error | null = null;

  constructor(options: SqliteStoreOptions) {
    this.worker = startWorker(options);
    this.worker.on("message", (reply: StoreReply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (reply.ok) w.resolve(reply.value);
      else w.reject(failure(reply.error));
    });
    this.worker.on("error", (err) => this.fail(err));
    this.worker.on("exit", (code) =>
      this.fail(new Error(`the SQLite store thread exited (code ${code})`)),
    );
  }

  private fail(err: Error): void {
    this.dead ??= err;
    for (const w of this.waiting.values()) w.reject(this.dead);
    this.waiting.clear();
  }

  private call<T>(method: WorkerMethod, ...args: unknown[]): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  migrate(): Promise<void> {
    return this.call("migrate");
  }

  async close(): Promise<void> {
    if (this.dead) return;
    try {
      await this.call("close");
    } finally {
      await this.worker.terminate();
    }
  }

  getMeta(key: string): Promise<string | undefined> {
    return this.call("getMeta", key);
  }
  setMeta(key: string, value: string): Promise<void> {
    return this.call("setMeta", key, value);
  }
  putToken(token: TokenRecord): Promise<void> {
    return this.call("putToken", token);
  }
  findToken(hash: string): Promise<TokenRecord | undefined> {
    return this.call("findToken", hash);
  }
  deleteTokensOfNode(nodeId: string): Promise<void> {
    return this.call("deleteTokensOfNode", nodeId);
  }
  putNode(node: Node): Promise<void> {
    return this.call("putNode", node);
  }
  getNode(id: string): Promise<Node | undefined> {
    return this.call("getNode", id);
  }
  getNodeByName(name: string): Promise<Node | undefined> {
    return this.call("getNodeByName", name);
  }
  listNodes(): Promise<Node[]> {
    return this.call("listNodes");
  }
  setNodeStatus(
    id: string,
    status: NodeStatus,
    reason: string | null,
    lastHeartbeat: string | null,
  ): Promise<void> {
    return this.call("setNodeStatus", id, status, reason, lastHeartbeat);
  }
  submitJob(job: Job, evaluation: Evaluation): Promise<void> {
    return this.call("submitJob", job, evaluation);
  }
  submitJobs(entries: readonly { job: Job; evaluation: Evaluation }[]): Promise<void> {
    return this.call("submitJobs", entries);
  }
  updateJob(job: Job, evaluation?: Evaluation): Promise<void> {
    return this.call("updateJob", job, evaluation);
  }
  getJob(id: string): Promise<Job | undefined> {
    return this.call("getJob", id);
  }
  getJobByName(name: string): Promise<Job | undefined> {
    return this.call("getJobByName", name);
  }
  listJobs(): Promise<Job[]> {
    return this.call("listJobs");
  }
  listJobVersions(jobId: string): Promise<Job[]> {
    return this.call("listJobVersions", jobId);
  }
  getAllocation(id: string): Promise<Allocation | undefined> {
    return this.call("getAllocation", id);
  }
  listAllocations(filter?: AllocFilter): Promise<Allocation[]> {
    return this.call("listAllocations", filter);
  }
  putAllocations(allocs: Allocation[]): Promise<void> {
    return this.call("putAllocations", allocs);
  }
  putEvaluation(evaluation: Evaluation): Promise<void> {
    return this.call("putEvaluation", evaluation);
  }
  getEvaluation(id: string): Promise<Evaluation | undefined> {
    return this.call("getEvaluation", id);
  }
  listPendingEvaluations(): Promise<Evaluation[]> {
    return this.call("listPendingEvaluations");
  }
  applyPlan(commit: PlanCommit): Promise<void> {
    return this.call("applyPlan", commit);
  }
  applyPlans(commits: readonly PlanCommit[]): Promise<void> {
    return this.call("applyPlans", commits);
  }
  appendEvents(events: readonly BrinkEvent[]): Promise<void> {
    return this.call("appendEvents", events);
  }
  listEvents(query?: EventQuery): Promise<BrinkEvent[]> {
    return this.call("listEvents", query);
  }
  lastEventId(): Promise<number> {
    return this.call("lastEventId");
  }
  pruneEvents(retention: EventRetention): Promise<number> {
    return this.call("pruneEvents", retention);
  }
  countEvents(): Promise<number> {
    return this.call("countEvents");
  }
}
