import type { NodeStatus } from "./node.js";

/** `GET /v1/topology`: sites, nodes and links with declared and measured figures. */
export interface Topology {
  sites: Array<{ name: string; nodes: string[] }>;
  nodes: Array<{
    id: string;
    name: string;
    site: string;
    status: NodeStatus;
    serverRttMs: number | null;
  }>;
  /** Declared links are between sites (or the cloud); measured ones between node names. */
  links: Array<{
    from: string;
    to: string;
    latencyMs: number;
    bandwidthMbps?: number;
    kind: "declared" | "measured";
  }>;
}
