import type {
  Allocation,
  BrinkEvent,
  Evaluation,
  EventFilter,
  Job,
  Node,
  NodeStatus,
} from "../model/index.js";

/** Who a token belongs to. Tokens are stored as SHA-256 hashes, never in clear. */
export interface TokenRecord {
  /** Hex SHA-256 of the token text. */
  hash: string;
  role: "admin" | "node" | "join";
  /** For `node` tokens: the node it acts for. */
  nodeId: string | null;
  createdAt: string;
}

/** Everything one applied plan changes, committed in one transaction. */
export interface PlanCommit {
  /** Allocations to insert, or to overwrite when the id exists (e.g. an unplaced one now placed). */
  upsertAllocs: Allocation[];
  /**
   * Job status to record alongside, when it changed. With `version`, only while that version is
   * the stored one (a newer version stored meanwhile is left alone).
   */
  job?: { id: string; status: Job["status"]; updatedAt: string; version?: number };
  /** The evaluation this plan completes. */
  evaluation?: Evaluation;
}

export interface AllocFilter {
  jobId?: string;
  nodeId?: string;
}

/** A read of the event log: a filter, and how much of what matches. */
export interface EventQuery extends EventFilter {
  /** Only events with an id lower than this. */
  before?: number;
  /** At most this many events. */
  limit?: number;
  /** Take the newest `limit` matches instead of the oldest (the result is still oldest first). */
  newest?: boolean;
}

/** What the event log keeps; both limits apply when both are given. */
export interface EventRetention {
  /** Keep only the newest `keep` events (by id). */
  keep?: number;
  /** Drop events older than this (ISO time). */
  before?: string;
}

/**
 * The one persistence interface of the control plane. Backends: `sqlite/` (default) and
 * `postgres/`. Every method is atomic on its own; `applyPlan(s)` and `submitJob(s)` are one
 * transaction. Writes (all but the event log's) take effect in the order they are called: a
 * caller may start a write, go on, and rely on any write it starts later landing after it.
 */
export interface Store {
  /** Backend name, e.g. `sqlite` or `postgres`. */
  readonly kind: string;
  /** Brings the schema up to the newest migration. Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  putToken(token: TokenRecord): Promise<void>;
  findToken(hash: string): Promise<TokenRecord | undefined>;
  deleteTokensOfNode(nodeId: string): Promise<void>;

  /** Inserts or replaces a node by id. Names are unique. */
  putNode(node: Node): Promise<void>;
  getNode(id: string): Promise<Node | undefined>;
  getNodeByName(name: string): Promise<Node | undefined>;
  listNodes(): Promise<Node[]>;
  /** Throws `NODE_NOT_FOUND` for an unknown id. A null `lastHeartbeat` keeps the stored one. */
  setNodeStatus(
    id: string,
    status: NodeStatus,
    reason: string | null,
    lastHeartbeat: string | null,
  ): Promise<void>;

  /**
   * Stores a job version (insert into the version history and make it the current job) and its
   * evaluation, in one transaction.
   */
  submitJob(job: Job, evaluation: Evaluation): Promise<void>;
  /** Several `submitJob`s, in order, in one transaction: all or none. */
  submitJobs(entries: readonly { job: Job; evaluation: Evaluation }[]): Promise<void>;
  /**
   * Replaces the current job record (status, stopped flag) without a new version, and stores the
   * evaluation, in one transaction. Throws `JOB_NOT_FOUND` when the job was never submitted.
   */
  updateJob(job: Job, evaluation?: Evaluation): Promise<void>;
  getJob(id: string): Promise<Job | undefined>;
  getJobByName(name: string): Promise<Job | undefined>;
  listJobs(): Promise<Job[]>;
  /** All stored versions of a job, oldest first. */
  listJobVersions(jobId: string): Promise<Job[]>;

  getAllocation(id: string): Promise<Allocation | undefined>;
  listAllocations(filter?: AllocFilter): Promise<Allocation[]>;
  /** Inserts or replaces allocations by id, in one transaction. */
  putAllocations(allocs: Allocation[]): Promise<void>;

  putEvaluation(evaluation: Evaluation): Promise<void>;
  getEvaluation(id: string): Promise<Evaluation | undefined>;
  /** Evaluations with status `pending` (to re-enqueue after a restart), oldest first. */
  listPendingEvaluations(): Promise<Evaluation[]>;

  /** Commits one plan atomically; an unknown `commit.job` throws `JOB_NOT_FOUND`, writing nothing. */
  applyPlan(commit: PlanCommit): Promise<void>;
  /**
   * Commits several plans, in order, in one transaction (the scheduler's batches): all or none;
   * an unknown `job` in any of them throws `JOB_NOT_FOUND`, writing nothing.
   */
  applyPlans(commits: readonly PlanCommit[]): Promise<void>;

  /** Appends numbered events in one transaction (an id stored before is left as it is). */
  appendEvents(events: readonly BrinkEvent[]): Promise<void>;
  /** Events matching the query, oldest first. */
  listEvents(query?: EventQuery): Promise<BrinkEvent[]>;
  /** The highest stored event id, 0 for none (the event log continues after it on start). */
  lastEventId(): Promise<number>;
  /** Deletes what `retention` does not keep, in batches; returns the number of events deleted. */
  pruneEvents(retention: EventRetention): Promise<number>;
  countEvents(): Promise<number>;
}
