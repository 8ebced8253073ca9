import type { AllocReport, DesiredStatus } from "./allocation.js";
import type { JobType, TaskSpec } from "./job-spec.js";
import type { Fingerprint } from "./node.js";
import type { Resources } from "./resources.js";
import type { LbPolicy } from "./service.js";

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

/**
 * How long an agent holds a desired-state acknowledgement for a report or heartbeat to carry it
 * (a task started by the message usually reports within this), before sending it alone.
 */
export const ACK_DELAY_MS = 250;

export type AgentMessage =
  /** First message of every session: what the node is and what it is running. */
  | {
      type: "hello";
      fingerprint: Fingerprint;
      allocs: AllocReport[];
      /** Where site peers can probe this node (host null = the address the server sees). */
      peer?: { host: string | null; port: number };
      /** The last desired-state message applied (its server epoch and sequence number). */
      sync?: SyncPoint;
    }
  /**
   * Acknowledges desired-state messages up to `seq` (cumulative) once applied. Agents send it
   * alone only when no report or heartbeat left within `ACK_DELAY_MS` to carry it as `ack`.
   */
  | { type: "ack"; epoch: string; seq: number }
  /** The agent cannot apply a delta (it missed one): send the full desired set. */
  | { type: "resync" }
  /** `peers`: the latest probe of each site peer (witness reports). */
  | { type: "heartbeat"; peers?: Record<string, PeerReport>; serverRttMs?: number; ack?: SyncPoint }
  | { type: "probe-result"; requestId: string; nodeId: string; ok: boolean; rttMs: number | null }
  /**
   * `seq` numbers the agent's report messages, in order. Reports are not acknowledged: the hello
   * of every session re-reports each allocation's status, and applying one twice changes nothing.
   */
  | { type: "alloc-status"; report: AllocReport; seq?: number; ack?: SyncPoint }
  /** Several reports made at the same moment, in order, as one message (one `seq`). */
  | { type: "alloc-statuses"; reports: AllocReport[]; seq?: number; ack?: SyncPoint }
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

/** Position in a node's stream of desired-state messages: the server's epoch (one per server start) and the message number. */
export interface SyncPoint {
  epoch: string;
  seq: number;
}

/** One endpoint of a service as pushed to agents' load balancers. */
export interface PushedEndpoint {
  /** The allocation behind it. */
  id: string;
  nodeId: string;
  node: string;
  address: string;
  port: number;
  /** Running and its check passes (or it has no check). */
  healthy: boolean;
  /** Round trip from the receiving node (measured, else declared); null when unknown. */
  rttMs: number | null;
}

/** A service as pushed to agents: its policy and every endpoint (healthy or not). */
export interface PushedService {
  name: string;
  policy: LbPolicy;
  hashHeader?: string;
  /** Agents also forward plain TCP from this local port. */
  tcpPort?: number;
  endpoints: PushedEndpoint[];
}

export type ServerMessage =
  /** The other nodes of this node's site, to probe (witnessing). */
  | { type: "peers"; peers: PeerTarget[] }
  /** Probe this peer now and answer with `probe-result` (the server lost it). */
  | { type: "probe"; requestId: string; nodeId: string; addr: string }
  /**
   * First message of every session. `serverPings`: the server sends this session a WebSocket
   * ping every `heartbeatIntervalMs` and the agent answers each with its heartbeat (one wake-up
   * per interval on an idle agent); the server measures the round trip. Only for agents that
   * offered it (`AGENT_FEATURES_HEADER`); otherwise the agent heartbeats on its own timer, each
   * heartbeat with a ping of its own.
   */
  | { type: "welcome"; nodeId: string; heartbeatIntervalMs: number; serverPings?: boolean }
  /**
   * Desired state, numbered. `full`: the complete set of allocations the node must run or stop
   * (anything else it stops). Otherwise a delta on top of message `seq - 1`: allocations to add
   * or replace (`allocs`) and ids no longer wanted (`remove`); an agent that did not apply
   * `seq - 1` asks for `resync`.
   */
  | {
      type: "allocs";
      epoch: string;
      seq: number;
      full: boolean;
      allocs: AgentAlloc[];
      remove: string[];
    }
  /**
   * Services for the agent's load balancer, pushed when a service's endpoint set or health
   * changes. `full`: the complete set (anything else is forgotten), sent at each session start;
   * otherwise the services listed replace their previous version and `removed` ones are gone.
   */
  | { type: "services"; full: boolean; services: PushedService[]; removed: string[] }
  | {
      type: "logs";
      requestId: string;
      allocId: string;
      stream: "stdout" | "stderr";
      /** Return at most this many bytes from the end of the file. */
      tailBytes: number;
    };

/**
 * Request header of the session's upgrade in which an agent lists the protocol features it
 * speaks, comma-separated. `server-ping`: it answers the server's pings with heartbeats (see
 * `welcome`). Servers ignore features they do not know, and agents use a feature only when the
 * welcome says the server does too, so old agents and old servers keep working.
 */
export const AGENT_FEATURES_HEADER = "x-brink-agent-features";

/** The feature by which an agent asks to be pinged by the server (see `welcome`). */
export const SERVER_PING_FEATURE = "server-ping";

/** Close codes the server uses to end a session. */
export const SESSION_CLOSE = {
  /** The credential is no longer valid: the agent must rejoin. */
  unauthorized: 4401,
  /** A newer session for the same node replaced this one. */
  replaced: 4409,
  shutdown: 1001,
} as const;
