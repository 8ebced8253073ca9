import type { Node } from "../../model/index.js";
import type { LinkEstimate, NetworkView } from "../../scheduler/network.js";
import { shortestPath, TopologyGraph, widestPath } from "../../topology/index.js";
import type { DeclaredLink } from "./declared.js";
import type { MeasuredRtts } from "./measured.js";

/** The declared links as a graph (sites and the cloud), for multi-hop latencies. */
export function declaredGraph(links: readonly DeclaredLink[]): TopologyGraph {
  const g = new TopologyGraph();
  for (const l of links)
    g.addLink(l.from, l.to, { latencyMs: l.latencyMs, bandwidthMbps: l.bandwidthMbps });
  return g;
}

export interface RttSources {
  measured: MeasuredRtts;
  declared: TopologyGraph;
  nodeByName(name: string): Node | undefined;
  nodes(): Iterable<Node>;
}

function siteRtt(src: RttSources, from: string, to: string): number | undefined {
  if (from === to) return 0;
  return shortestPath(src.declared, from, to)?.latencyMs;
}

function nodeRtt(src: RttSources, node: Node, target: Node): number | undefined {
  if (node.id === target.id) return 0;
  const measured = src.measured.rttBetween(node.id, target.id);
  if (measured !== undefined) return measured;
  return node.site === target.site ? undefined : siteRtt(src, node.site, target.site);
}

/**
 * RTT from a node to a latency target: `site:<s>` (0 inside the site, else the declared path),
 * `node:<name>` (measured between the two nodes, else the declared path between their sites),
 * `label:<k>=<v>` (the nearest node with that label). Undefined when nothing is known.
 */
export function rttTo(src: RttSources, node: Node, to: string): number | undefined {
  const colon = to.indexOf(":");
  const kind = to.slice(0, colon);
  const what = to.slice(colon + 1);
  if (kind === "site") return siteRtt(src, node.site, what);
  if (kind === "node") {
    const target = src.nodeByName(what);
    return target ? nodeRtt(src, node, target) : undefined;
  }
  const eq = what.indexOf("=");
  const key = what.slice(0, eq);
  const value = what.slice(eq + 1);
  let best: number | undefined;
  for (const n of src.nodes()) {
    if (n.labels[key] !== value) continue;
    const r = nodeRtt(src, node, n);
    if (r !== undefined && (best === undefined || r < best)) best = r;
  }
  return best;
}

/**
 * The network as the scheduler sees it during one evaluation: measured node RTTs and the declared
 * site paths (lowest latency; bandwidth of the widest path), memoised per site pair.
 */
export function networkView(src: RttSources): NetworkView {
  const paths = new Map<string, LinkEstimate | null>();
  return {
    nodeRtt: (a, b) => src.measured.rttBetween(a.id, b.id),
    sitePath: (a, b) => {
      const key = `${a}\u0000${b}`;
      let hit = paths.get(key);
      if (hit === undefined) {
        const fast = shortestPath(src.declared, a, b);
        const wide = widestPath(src.declared, a, b);
        hit =
          fast && wide ? { latencyMs: fast.latencyMs, bandwidthMbps: wide.bandwidthMbps } : null;
        paths.set(key, hit);
      }
      return hit ?? undefined;
    },
  };
}
