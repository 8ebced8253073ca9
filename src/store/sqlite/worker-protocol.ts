import type { ErrorCode, ErrorDetail } from "../../model/index.js";
import type { Store } from "../store.js";

/** Store methods the worker answers (everything but `kind`). */
export type WorkerMethod = {
  [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Store];

export const WORKER_METHODS: ReadonlySet<string> = new Set<WorkerMethod>([
  "migrate",
  "close",
  "getMeta",
  "setMeta",
  "putToken",
  "findToken",
  "deleteTokensOfNode",
  "putNode",
  "getNode",
  "getNodeByName",
  "listNodes",
  "setNodeStatus",
  "submitJob",
  "submitJobs",
  "updateJob",
  "getJob",
  "getJobByName",
  "listJobs",
  "listJobVersions",
  "getAllocation",
  "listAllocations",
  "putAllocations",
  "putEvaluation",
  "getEvaluation",
  "listPendingEvaluations",
  "applyPlan",
  "applyPlans",
  "appendEvents",
  "listEvents",
  "lastEventId",
  "pruneEvents",
  "countEvents",
]);

export interface StoreRequest {
  id: number;
  method: WorkerMethod;
  args: unknown[];
}

/** A failure as it crosses the thread boundary: Brink's code when it had one. */
export interface StoreFailure {
  message: string;
  code?: ErrorCode;
  details?: ErrorDetail[] | undefined;
  name?: string;
  /** A driver's own error code (e.g. `SQLITE_BUSY`). */
  sqlCode?: string;
}

export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: StoreFailure };
