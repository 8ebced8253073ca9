import type { TopologyGraph } from "./graph.js";

export interface Route {
  /** Places from source to target, both included. */
  path: string[];
  /** Sum of link latencies along the path. */
  latencyMs: number;
  /** Narrowest link along the path (Infinity for a path of one place). */
  bandwidthMbps: number;
}

function walkBack(prev: Map<string, string>, target: string): string[] {
  const path = [target];
  let at = prev.get(target);
  while (at !== undefined) {
    path.unshift(at);
    at = prev.get(at);
  }
  return path;
}

function figures(graph: TopologyGraph, path: string[]): Route {
  let latencyMs = 0;
  let bandwidthMbps = Number.POSITIVE_INFINITY;
  for (let i = 1; i < path.length; i++) {
    const l = graph.link(path[i - 1] as string, path[i] as string);
    if (!l) continue;
    latencyMs += l.latencyMs;
    bandwidthMbps = Math.min(bandwidthMbps, l.bandwidthMbps);
  }
  return { path, latencyMs, bandwidthMbps };
}

/**
 * A best-first search over the graph with a label per place: `better(a, b)` decides which label
 * wins and `extend(label, link)` the label of a neighbour. Dijkstra for latency (sum, smaller
 * wins) and for bandwidth (min, larger wins: the widest path). O(V² ) with a linear scan, which
 * is plenty for site-level graphs.
 */
function bestFirst(
  graph: TopologyGraph,
  source: string,
  target: string,
  start: number,
  extend: (label: number, latencyMs: number, bandwidthMbps: number) => number,
  better: (a: number, b: number) => boolean,
): Route | undefined {
  const label = new Map<string, number>([[source, start]]);
  const prev = new Map<string, string>();
  const done = new Set<string>();
  for (;;) {
    let current: string | undefined;
    for (const [id, l] of label) {
      if (!done.has(id) && (current === undefined || better(l, label.get(current) as number)))
        current = id;
    }
    if (current === undefined) return undefined;
    if (current === target) return figures(graph, walkBack(prev, target));
    done.add(current);
    for (const [next, link] of graph.neighbours(current)) {
      if (done.has(next)) continue;
      const candidate = extend(label.get(current) as number, link.latencyMs, link.bandwidthMbps);
      const known = label.get(next);
      if (known === undefined || better(candidate, known)) {
        label.set(next, candidate);
        prev.set(next, current);
      }
    }
  }
}

/** The lowest-latency route (sum of link latencies). */
export function shortestPath(
  graph: TopologyGraph,
  source: string,
  target: string,
): Route | undefined {
  return bestFirst(
    graph,
    source,
    target,
    0,
    (l, ms) => l + ms,
    (a, b) => a < b,
  );
}

/** The widest route: the one whose narrowest link has the most bandwidth. */
export function widestPath(
  graph: TopologyGraph,
  source: string,
  target: string,
): Route | undefined {
  return bestFirst(
    graph,
    source,
    target,
    Number.POSITIVE_INFINITY,
    (l, _ms, mbps) => Math.min(l, mbps),
    (a, b) => a > b,
  );
}
