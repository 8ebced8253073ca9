import type { Resources } from "./resources.js";

/** Lifecycle of a node as the control plane sees it. */
/**
 * `suspect`: the control plane lost it and is asking its site's witnesses; `disconnected`: alive
 * (a peer reaches it) but cut off from the control plane; `down`: dead, its work is replaced.
 */
export const NODE_STATUSES = ["initializing", "ready", "suspect", "disconnected", "down"] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** Labels every node carries without being told. */
export const BUILTIN_LABELS = {
  site: "brink/site",
  arch: "brink/arch",
  os: "brink/os",
  hostname: "brink/hostname",
} as const;

export interface GpuInfo {
  model: string;
  memory: number; // MiB
  uuid?: string;
}

/** What an agent reports about its machine (see src/agent/fingerprint). */
export interface Fingerprint {
  resources: Resources;
  arch: string;
  os: string;
  kernel: string;
  hostname: string;
  cpuModel: string;
  gpus: GpuInfo[];
  drivers: string[];
}

export interface Node {
  id: string;
  name: string;
  site: string;
  status: NodeStatus;
  /** False when an operator drained the node: it keeps its work but takes no new work. */
  eligible: boolean;
  /** User labels plus the built-in `brink/*` labels. */
  labels: Record<string, string>;
  resources: Resources;
  drivers: string[];
  attributes: { arch: string; os: string; kernel: string; hostname: string; cpuModel: string };
  gpus: GpuInfo[];
  createdAt: string;
  lastHeartbeat: string | null;
  statusReason: string | null;
  /** Address its site peers probe it on (`host:port`), null before its first session. */
  peerAddr?: string | null;
  /** When the status last changed (ISO). */
  statusSince?: string;
  /** Set while a drain moves the node's allocations away. */
  drain?: { startedAt: string; deadline: string } | null;
}

/** A node as the API returns it: the node plus what is allocated on it. */
export interface NodeView extends Node {
  allocated: Resources;
}

export function builtinLabels(site: string, fp: Pick<Fingerprint, "arch" | "os" | "hostname">) {
  return {
    [BUILTIN_LABELS.site]: site,
    [BUILTIN_LABELS.arch]: fp.arch,
    [BUILTIN_LABELS.os]: fp.os,
    [BUILTIN_LABELS.hostname]: fp.hostname,
  };
}

/** Stable id of a node's GPU: its uuid, else its position. */
export function gpuDeviceId(gpu: GpuInfo, index: number): string {
  return gpu.uuid ?? `gpu${index}`;
}
