import type { Kysely } from "kysely";
import type { Allocation, BrinkEvent, Evaluation, Job, Node, NodeStatus } from "../model/index.js";
import { writePlan, writePlans } from "./apply-plan.js";
import type { Database } from "./database.js";
import type {
  AllocFilter,
  EventQuery,
  EventRetention,
  PlanCommit,
  Store,
  TokenRecord,
} from "./store.js";
import * as allocations from "./tables/allocations.js";
import type { BulkRows } from "./tables/bulk-rows.js";
import * as evaluations from "./tables/evaluations.js";
import * as events from "./tables/events.js";
import * as jobs from "./tables/jobs.js";
import * as meta from "./tables/meta.js";
import * as nodes from "./tables/nodes.js";
import * as tokens from "./tables/tokens.js";

/** What a dialect hands to the shared store: a Kysely handle and how to migrate through it. */
export interface StoreDialect {
  readonly kind: string;
  readonly db: Kysely<Database>;
  /** Brings the schema to the newest migration with this dialect's locking. Idempotent. */
  migrate(db: Kysely<Database>): Promise<void>;
  /** A faster path for the bulk writes, where the dialect has one (see `BulkRows`). */
  readonly bulk?: BulkRows;
}

/**
 * The one implementation of `Store`, over any Kysely dialect whose SQL has `ON CONFLICT ... DO
 * UPDATE` (SQLite, PostgreSQL). Queries live per table in `tables/`; this class adds transactions.
 */
export class KyselyStore implements Store {
  readonly kind: string;
  readonly #dialect: StoreDialect;
  readonly #db: Kysely<Database>;
  readonly #bulk: BulkRows | undefined;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(dialect: StoreDialect) {
    this.kind = dialect.kind;
    this.#dialect = dialect;
    this.#db = dialect.db;
    this.#bulk = dialect.bulk;
  }

  migrate(): Promise<void> {
    return this.#dialect.migrate(this.#db);
  }

  close(): Promise<void> {
    return this.#db.destroy();
  }

  getMeta(key: string): Promise<string | undefined> {
    return meta.getMeta(this.#db, key);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.#ordered(() => meta.setMeta(this.#db, key, value));
  }

  putToken(token: TokenRecord): Promise<void> {
    return this.#ordered(() => tokens.putToken(this.#db, token));
  }

  findToken(hash: string): Promise<TokenRecord | undefined> {
    return tokens.findToken(this.#db, hash);
  }

  deleteTokensOfNode(nodeId: string): Promise<void> {
    return this.#ordered(() => tokens.deleteTokensOfNode(this.#db, nodeId));
  }

  putNode(node: Node): Promise<void> {
    return this.#ordered(() => nodes.putNode(this.#db, node));
  }

  getNode(id: string): Promise<Node | undefined> {
    return nodes.getNode(this.#db, id);
  }

  getNodeByName(name: string): Promise<Node | undefined> {
    return nodes.getNodeByName(this.#db, name);
  }

  listNodes(): Promise<Node[]> {
    return nodes.listNodes(this.#db);
  }

  /** Throws `NODE_NOT_FOUND` for an unknown id; a null `lastHeartbeat` keeps the stored one. */
  setNodeStatus(
    id: string,
    status: NodeStatus,
    reason: string | null,
    lastHeartbeat: string | null,
  ): Promise<void> {
    const change = { status, reason, lastHeartbeat };
    return this.#ordered(() => this.#transaction((trx) => nodes.setNodeStatus(trx, id, change)));
  }

  submitJob(job: Job, evaluation: Evaluation): Promise<void> {
    return this.submitJobs([{ job, evaluation }]);
  }

  async submitJobs(entries: readonly { job: Job; evaluation: Evaluation }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#ordered(() =>
      this.#transaction(async (trx) => {
        for (const { job, evaluation } of entries) {
          await jobs.insertJobVersion(trx, job);
          await jobs.upsertJob(trx, job);
          await evaluations.putEvaluation(trx, evaluation);
        }
      }),
    );
  }

  /** Throws `JOB_NOT_FOUND` when the job was never submitted. */
  updateJob(job: Job, evaluation?: Evaluation): Promise<void> {
    return this.#ordered(() =>
      this.#transaction(async (trx) => {
        await jobs.replaceJob(trx, job);
        if (evaluation) await evaluations.putEvaluation(trx, evaluation);
      }),
    );
  }

  getJob(id: string): Promise<Job | undefined> {
    return jobs.getJob(this.#db, id);
  }

  getJobByName(name: string): Promise<Job | undefined> {
    return jobs.getJobByName(this.#db, name);
  }

  listJobs(): Promise<Job[]> {
    return jobs.listJobs(this.#db);
  }

  listJobVersions(jobId: string): Promise<Job[]> {
    return jobs.listJobVersions(this.#db, jobId);
  }

  getAllocation(id: string): Promise<Allocation | undefined> {
    return allocations.getAllocation(this.#db, id);
  }

  listAllocations(filter?: AllocFilter): Promise<Allocation[]> {
    return allocations.listAllocations(this.#db, filter);
  }

  async putAllocations(allocs: Allocation[]): Promise<void> {
    if (allocs.length === 0) return;
    await this.#ordered(() =>
      this.#transaction((trx) => allocations.upsertAllocations(trx, allocs, this.#bulk)),
    );
  }

  putEvaluation(evaluation: Evaluation): Promise<void> {
    return this.#ordered(() => evaluations.putEvaluation(this.#db, evaluation));
  }

  getEvaluation(id: string): Promise<Evaluation | undefined> {
    return evaluations.getEvaluation(this.#db, id);
  }

  listPendingEvaluations(): Promise<Evaluation[]> {
    return evaluations.listPendingEvaluations(this.#db);
  }

  /** Throws `JOB_NOT_FOUND` (and writes nothing) when `commit.job` names an unknown job. */
  applyPlan(commit: PlanCommit): Promise<void> {
    return this.#ordered(() => this.#transaction((trx) => writePlan(trx, commit, this.#bulk)));
  }

  async applyPlans(commits: readonly PlanCommit[]): Promise<void> {
    if (commits.length === 0) return;
    await this.#ordered(() => this.#transaction((trx) => writePlans(trx, commits, this.#bulk)));
  }

  async appendEvents(list: readonly BrinkEvent[]): Promise<void> {
    if (list.length === 0) return;
    await this.#transaction((trx) => events.insertEvents(trx, list, this.#bulk));
  }

  listEvents(query?: EventQuery): Promise<BrinkEvent[]> {
    return events.listEvents(this.#db, query);
  }

  lastEventId(): Promise<number> {
    return events.lastEventId(this.#db);
  }

  pruneEvents(retention: EventRetention): Promise<number> {
    return events.pruneEvents(this.#db, retention);
  }

  countEvents(): Promise<number> {
    return events.countEvents(this.#db);
  }

  /**
   * Writes to nodes, jobs, allocations, evaluations, tokens and meta take effect in the order
   * they are called, one at a time, whatever the dialect's connection pool does: the control
   * plane may post a write and go on before it commits, and a later write of the same record must
   * land after it. (The event log's writes stand apart: events are never rewritten.)
   */
  #ordered<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(work, work);
    this.#writes = run.catch(() => undefined);
    return run;
  }

  #transaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(work);
  }
}
