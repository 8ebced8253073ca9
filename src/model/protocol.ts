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
  | {
      type: "hello";
      fingerprint: Fingerprint;
      allocs: AllocReport[];
      /** Where site peers can probe this node (host null = the address the server sees). */
      peer?: { host: string | null; port: number };
    }
  /** `peers`: the latest probe of each site peer (witness reports). */
  | { type: "heartbeat"; peers?: Record<string, PeerReport> }
  | { type: "probe-result"; requestId: string; nodeId: string; ok: boolean; rttMs: number | null }
  | { type: "alloc-status"; report: AllocReport }
  | { type: "logs-result"; requestId: string; ok: true; data: string }
  | { type: "logs-result"; requestId: string; ok: false; error: string };

/** What one agent saw when it last probed a peer. */
export interface PeerReport {
  ok: boolean;
  rttMs: number | null;
}

/** A site peer an agent should probe. */
export interface PeerTarget {
  nodeId: string;
  name: string;
  addr: string;
}

export type ServerMessage =
  /** The other nodes of this node's site, to probe (witnessing). */
  | { type: "peers"; peers: PeerTarget[] }
  /** Probe this peer now and answer with `probe-result` (the server lost it). */
  | { type: "probe"; requestId: string; nodeId: string; addr: string }
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
