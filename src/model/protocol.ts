import type { AllocReport, DesiredStatus } from "./allocation.js";
import type { JobType, TaskSpec } from "./job-spec.js";
import type { Fingerprint } from "./node.js";
import type { Resources } from "./resources.js";

/**
 * The agent session protocol: JSON messages over one WebSocket that the agent dials
 * (`GET /v1/agent/session`, authenticated with the node's token). Agents dial out, so nodes
 * behind NAT work; everything the server needs from a node (logs too) travels over it.
 */

/** One allocation as the agent must run it. */
export interface AgentAlloc {
  id: string;
  jobId: string;
  jobName: string;
  jobType: JobType;
  task: string;
  index: number;
  taskSpec: TaskSpec;
  desiredStatus: DesiredStatus;
  resources: Resources;
}

export type AgentMessage =
  /** First message of every session: what the node is and what it is running. */
  | { type: "hello"; fingerprint: Fingerprint; allocs: AllocReport[] }
  | { type: "heartbeat" }
  | { type: "alloc-status"; report: AllocReport }
  | { type: "logs-result"; requestId: string; ok: true; data: string }
  | { type: "logs-result"; requestId: string; ok: false; error: string };

export type ServerMessage =
  | { type: "welcome"; nodeId: string; heartbeatIntervalMs: number }
  /** The complete set of allocations the node must run or stop; anything else it stops. */
  | { type: "allocs"; allocs: AgentAlloc[] }
  | {
      type: "logs";
      requestId: string;
      allocId: string;
      stream: "stdout" | "stderr";
      /** Return at most this many bytes from the end of the file. */
      tailBytes: number;
    };

/** Close codes the server uses to end a session. */
export const SESSION_CLOSE = {
  /** The credential is no longer valid: the agent must rejoin. */
  unauthorized: 4401,
  /** A newer session for the same node replaced this one. */
  replaced: 4409,
  shutdown: 1001,
} as const;
