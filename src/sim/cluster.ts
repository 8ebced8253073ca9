import type { Node, Resources } from "../model/index.js";
import { type Route, shortestPath, TopologyGraph } from "../topology/index.js";
import type { Scenario } from "./scenario.js";

/** One simulated machine: the model `Node` the scheduler sees, plus what the simulator tracks. */
export interface SimNode {
  idx: number;
  name: string;
  site: number;
  /** What the scheduler sees. Replaced (never mutated) when the status changes: node classes are cached per object. */
  node: Node;
  speed: number;
  slots: number;
  idleW: number;
  busyW: number;
  /** Resources held by the tasks placed here (mutated in place; the scheduler reads it). */
  used: Resources;
  /** Tasks placed here (holding a slot: receiving input or executing). */
  held: number;
  /** Tasks executing now. */
  running: number;
  /** Physically alive. */
  alive: boolean;
  /** Cut off from the network (its site is partitioned, or the node alone). */
  cut: boolean;
  /** Accounting since `lastT`: busy slot-seconds and joules. */
  lastT: number;
  busySlotSec: number;
  energyJ: number;
}

export interface SimSite {
  name: string;
  /** Its nodes are `nodes[start..end)`. */
  start: number;
  end: number;
  slots: number;
  partitioned: boolean;
}

export interface SimCluster {
  nodes: SimNode[];
  sites: SimSite[];
  siteIndex: Map<string, number>;
  nodeIndex: Map<string, number>;
  graph: TopologyGraph;
  /** Lowest-latency route between sites, by site index pair (undefined: unreachable). */
  routes: (Route | undefined)[][];
  intra: { latencyMs: number; bandwidthMbps: number };
}

const EPOCH = new Date(0).toISOString();

/**
 * The simulator's index of a model `Node`, kept on the object under a symbol (invisible to JSON
 * and to the scheduler) so the hot path finds its `SimNode` without a string lookup.
 */
export const SIM_INDEX: unique symbol = Symbol("brink.sim.index");
type IndexedNode = Node & { [SIM_INDEX]?: number };

export function simIndexOf(node: Node): number {
  return (node as IndexedNode)[SIM_INDEX] ?? -1;
}

/** The model node with a new status: a new object (node classes are cached per object). */
export function withStatus(node: Node, status: Node["status"]): Node {
  const next: IndexedNode = { ...node, status };
  next[SIM_INDEX] = simIndexOf(node);
  return next;
}

function modelNode(
  idx: number,
  name: string,
  site: string,
  cpu: number,
  memory: number,
  labels: Record<string, string>,
  speed: number,
): Node {
  const node: IndexedNode = {
    id: name,
    name,
    site,
    status: "ready",
    eligible: true,
    labels: { ...labels, speed: String(speed), "brink/site": site, "brink/hostname": name },
    resources: { cpu, memory, disk: 0 },
    drivers: ["exec"],
    attributes: { arch: "sim", os: "sim", kernel: "sim", hostname: name, cpuModel: "sim" },
    gpus: [],
    createdAt: EPOCH,
    lastHeartbeat: EPOCH,
    statusReason: null,
  };
  node[SIM_INDEX] = idx;
  return node;
}

/** Builds the nodes (named `<group>-<n>`, n from 0), sites, and routes between sites. */
export function buildCluster(scenario: Scenario): SimCluster {
  const nodes: SimNode[] = [];
  const sites: SimSite[] = [];
  const graph = new TopologyGraph();
  for (const site of scenario.cluster.sites) {
    const start = nodes.length;
    let slots = 0;
    graph.addNode(site.name);
    for (const g of site.nodes) {
      for (let i = 0; i < g.count; i++) {
        const name = `${g.name}-${i}`;
        nodes.push({
          idx: nodes.length,
          name,
          site: sites.length,
          node: modelNode(nodes.length, name, site.name, g.cpu, g.memory, g.labels, g.speed),
          speed: g.speed,
          slots: g.slots,
          idleW: g.power.idleW,
          busyW: g.power.busyW,
          used: { cpu: 0, memory: 0, disk: 0 },
          held: 0,
          running: 0,
          alive: true,
          cut: false,
          lastT: 0,
          busySlotSec: 0,
          energyJ: 0,
        });
        slots += g.slots;
      }
    }
    sites.push({ name: site.name, start, end: nodes.length, slots, partitioned: false });
  }
  for (const l of scenario.cluster.links)
    graph.addLink(l.from, l.to, { latencyMs: l.latencyMs, bandwidthMbps: l.bandwidthMbps });
  const routes = sites.map((a) =>
    sites.map((b) =>
      a === b
        ? { path: [a.name], latencyMs: 0, bandwidthMbps: Infinity }
        : shortestPath(graph, a.name, b.name),
    ),
  );
  return {
    nodes,
    sites,
    siteIndex: new Map(sites.map((s, i) => [s.name, i])),
    nodeIndex: new Map(nodes.map((n) => [n.name, n.idx])),
    graph,
    routes,
    intra: scenario.cluster.intraSite,
  };
}

/** Nodes a selector names: `all`, `site:<name>`, `node:<name>`, `label:<key>=<value>`. */
export function selectNodes(cluster: SimCluster, selector: string): SimNode[] {
  if (selector === "all") return cluster.nodes;
  if (selector.startsWith("site:")) {
    const s = cluster.sites[cluster.siteIndex.get(selector.slice(5)) ?? -1];
    return s ? cluster.nodes.slice(s.start, s.end) : [];
  }
  if (selector.startsWith("node:")) {
    const n = cluster.nodes[cluster.nodeIndex.get(selector.slice(5)) ?? -1];
    return n ? [n] : [];
  }
  const [key, value] = selector.slice(6).split("=", 2) as [string, string];
  return cluster.nodes.filter((n) => n.node.labels[key] === value);
}

/** One-way latency in seconds between two sites (intra-site latency within one); Infinity when unreachable. */
export function siteLatencySec(cluster: SimCluster, a: number, b: number): number {
  if (a === b) return cluster.intra.latencyMs / 1000;
  const r = cluster.routes[a]?.[b];
  return r ? r.latencyMs / 1000 : Number.POSITIVE_INFINITY;
}
