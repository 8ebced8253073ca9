import type { Node } from "../model/index.js";
import type { Random } from "../scheduler/random.js";
import type { SimCluster, SimNode } from "./cluster.js";
import type { LoadIndex } from "./load-index.js";
import type { PolicyName } from "./scenario.js";
import type { Instance } from "./task.js";

/** What every policy may look at: the cluster, the load index, and whether a node can take a task now. */
export interface PolicyEnv {
  cluster: SimCluster;
  load: LoadIndex;
  random: Random;
  /** Ready, a free slot, the resources, and a route from the task's origin. */
  fits(inst: Instance, node: SimNode): boolean;
}

/** A placement policy: picks the node for an instance among those that can take it now, or -1. */
export interface Policy {
  readonly name: PolicyName;
  choose(inst: Instance): number;
  /** Node statuses changed (caches keyed on them must be rebuilt). */
  invalidate(): void;
}

/** Up to `tries` uniformly random nodes with a free slot; then every such node. */
function randomPolicy(env: PolicyEnv): Policy {
  return {
    name: "random",
    invalidate() {},
    choose(inst) {
      const { load, cluster } = env;
      const free = load.freeCount;
      if (free === 0) return -1;
      for (let i = 0; i < 8; i++) {
        const n = load.kthFree(Math.floor(env.random() * free));
        if (n >= 0 && env.fits(inst, cluster.nodes[n] as SimNode)) return n;
      }
      const ok = load.freeNodes(free).filter((n) => env.fits(inst, cluster.nodes[n] as SimNode));
      return ok.length === 0 ? -1 : (ok[Math.floor(env.random() * ok.length)] as number);
    },
  };
}

/** The next node after the last one chosen, in cluster order, that can take the task. */
function roundRobinPolicy(env: PolicyEnv): Policy {
  let next = 0;
  return {
    name: "round_robin",
    invalidate() {},
    choose(inst) {
      const { load, cluster } = env;
      const free = load.freeCount;
      if (free === 0) return -1;
      const first = load.freeBefore(next);
      for (let k = 0; k < free; k++) {
        const n = load.kthFree((first + k) % free);
        if (n >= 0 && env.fits(inst, cluster.nodes[n] as SimNode)) {
          next = (n + 1) % cluster.nodes.length;
          return n;
        }
      }
      return -1;
    },
  };
}

/** Least loaded (busy slots / slots) in a range; falls back to a scan when it cannot take the task. */
function leastIn(env: PolicyEnv, inst: Instance, lo: number, hi: number): number {
  const n = env.load.leastLoaded(lo, hi);
  if (n < 0) return -1;
  if (env.fits(inst, env.cluster.nodes[n] as SimNode)) return n;
  let best = -1;
  let bestLoad = 1;
  for (let i = lo; i < hi; i++) {
    const l = env.load.load(i);
    if (l < bestLoad && env.fits(inst, env.cluster.nodes[i] as SimNode)) {
      best = i;
      bestLoad = l;
    }
  }
  return best;
}

function leastLoadedPolicy(env: PolicyEnv): Policy {
  return {
    name: "least_loaded",
    invalidate() {},
    choose: (inst) =>
      env.load.freeCount === 0 ? -1 : leastIn(env, inst, 0, env.cluster.nodes.length),
  };
}

/** The site closest to the task's origin that has room (least loaded node there). */
function latencyGreedyPolicy(env: PolicyEnv): Policy {
  const order = env.cluster.sites.map((_, from) =>
    env.cluster.sites
      .map((_, to) => to)
      .filter((to) => from === to || env.cluster.routes[from]?.[to] !== undefined)
      .sort((a, b) => latency(env.cluster, from, a) - latency(env.cluster, from, b) || a - b),
  );
  return {
    name: "latency_greedy",
    invalidate() {},
    choose(inst) {
      if (env.load.freeCount === 0) return -1;
      for (const s of order[inst.task.originSite] ?? []) {
        const site = env.cluster.sites[s];
        if (!site) continue;
        const n = leastIn(env, inst, site.start, site.end);
        if (n >= 0) return n;
      }
      return -1;
    },
  };
}

function latency(cluster: SimCluster, a: number, b: number): number {
  return a === b ? -1 : (cluster.routes[a]?.[b]?.latencyMs ?? Number.POSITIVE_INFINITY);
}

/** The baseline policies written for the simulator (the others run the real scheduler). */
export function baselinePolicy(name: PolicyName, env: PolicyEnv): Policy | undefined {
  switch (name) {
    case "random":
      return randomPolicy(env);
    case "round_robin":
      return roundRobinPolicy(env);
    case "least_loaded":
      return leastLoadedPolicy(env);
    case "latency_greedy":
      return latencyGreedyPolicy(env);
    default:
      return undefined;
  }
}

export type { Node };
