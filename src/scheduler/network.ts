import type { Node } from "../model/index.js";

/** One-way latency and bandwidth of a path (a link or a chain of links). */
export interface LinkEstimate {
  latencyMs: number;
  bandwidthMbps: number;
}

/**
 * What the control plane knows of the network, as the scheduler may ask it: RTTs measured
 * between nodes (agents' peer probes) and the operators' declared links between sites.
 */
export interface NetworkView {
  /** Smoothed RTT (ms) measured between two nodes; undefined when not measured. */
  nodeRtt(a: Node, b: Node): number | undefined;
  /** The declared path between two sites: lowest latency, widest bandwidth; undefined if none. */
  sitePath(a: string, b: string): LinkEstimate | undefined;
}

/** Between two nodes of one site, when nothing better is known: a LAN. */
export const INTRA_SITE_DEFAULT: LinkEstimate = { latencyMs: 1, bandwidthMbps: 1000 };
/** Between sites with no declared path: a pessimistic WAN guess. */
export const INTER_SITE_DEFAULT: LinkEstimate = { latencyMs: 50, bandwidthMbps: 100 };

/** The path between two sites: declared if any, else the defaults above. */
export function siteLink(view: NetworkView | undefined, a: string, b: string): LinkEstimate {
  if (a === b) return INTRA_SITE_DEFAULT;
  return view?.sitePath(a, b) ?? INTER_SITE_DEFAULT;
}

/**
 * The path between two nodes: nothing on one node; else the measured RTT's half as latency (when
 * probed) with the sites' bandwidth, else the sites' path.
 */
export function nodeLink(view: NetworkView | undefined, a: Node, b: Node): LinkEstimate {
  if (a.id === b.id) return { latencyMs: 0, bandwidthMbps: Number.POSITIVE_INFINITY };
  const site = siteLink(view, a.site, b.site);
  const rtt = view?.nodeRtt(a, b);
  return rtt === undefined ? site : { latencyMs: rtt / 2, bandwidthMbps: site.bandwidthMbps };
}

/** Seconds to move `bytes` over `link`. */
export function transferSec(link: LinkEstimate, bytes: number): number {
  if (bytes <= 0) return link.latencyMs / 1000;
  return link.latencyMs / 1000 + (bytes * 8) / (link.bandwidthMbps * 1e6);
}
