import type { Affinity, LatencyConstraint, Node, Resources } from "../model/index.js";
import type { FeasibilityPlugin, PlacementContext } from "../scheduler/plugin.js";
import { seededRandom } from "../scheduler/random.js";
import { FEASIBILITY, RANKERS } from "../scheduler/registry.js";
import {
  CandidateSource,
  type ClassCache,
  classFilter,
  limitFor,
  selectNode,
} from "../scheduler/select.js";
import { type SimCluster, type SimNode, simIndexOf } from "./cluster.js";
import type { Policy, PolicyEnv } from "./policies.js";
import type { PolicyName } from "./scenario.js";
import type { Instance } from "./task.js";

const NO_DEVICES: ReadonlySet<string> = new Set();
const FEW_FREE = 64;

/**
 * Per workload (one "job" with many instances), what the scheduler builds once per evaluation
 * in `schedule.ts` (`taskRun`): the placement context, the class cache and the candidate source
 * over the nodes that pass the class checks. Rebuilt when node statuses change.
 */
interface Run {
  ctx: PlacementContext;
  cache: ClassCache;
  source: CandidateSource;
  passed: readonly Node[];
  limit: number;
  prefiltered: { dropped: number; reasons: ReadonlyMap<string, number> };
}

/** What a workload asks of the scheduler, as its job spec would say it. */
export interface JobShape {
  name: string;
  need: Resources;
  latency: readonly LatencyConstraint[];
  affinities: readonly Affinity[];
}

/**
 * `brink`, `binpack` and `spread`: the real placement pipeline of `src/scheduler` — its
 * feasibility plugins (eligibility, drivers, constraints, latency, distinct hosts, resources,
 * GPUs) and rankers (bin-pack or least-allocated, anti-affinity, affinity, spread, workflow,
 * avoid-failed), `classFilter`, the seeded `CandidateSource`, `limitFor` and `selectNode` — over
 * the simulator's nodes, whose usage is kept up to date in place (no snapshot is rebuilt per
 * task). One feasibility check is added: a free slot (the simulator's concurrency limit).
 */
export function pipelinePolicy(
  name: PolicyName,
  env: PolicyEnv,
  shapes: readonly JobShape[],
  seed: number,
): Policy {
  const { cluster } = env;
  const byId = new Map(cluster.nodes.map((n) => [n.node.id, n]));
  // The plugins ask by id, several times per candidate in a row: remember the last answer.
  let lastId = "";
  let last: SimNode | undefined;
  const simNode = (id: string): SimNode => {
    if (id !== lastId || !last) {
      last = byId.get(id) as SimNode;
      lastId = id;
    }
    return last;
  };
  // By the node object (index kept on it); primes the id cache for the checks that follow.
  const ofNode = (node: Node): SimNode => {
    const n = cluster.nodes[simIndexOf(node)] ?? simNode(node.id);
    lastId = node.id;
    last = n;
    return n;
  };
  const slots: FeasibilityPlugin = {
    name: "slots",
    cacheable: false,
    check: (_ctx, node) =>
      simNode(node.id).held >= simNode(node.id).slots ? "no free slot" : null,
  };
  const feasibility = [...FEASIBILITY, slots];
  const random = seededRandom(seed);
  const algorithm = name === "spread" ? "spread" : "binpack";
  let current: Instance | null = null;
  let runs: (Run | undefined)[] = [];
  let nodes: Node[] = [];

  // Round trips per target and site, computed once (the latency check runs for most candidates).
  const rttBySite = new Map<string, (number | undefined)[]>();
  let lastTo = "";
  let lastBySite: (number | undefined)[] = [];
  const rtt = (node: Node, to: string) => {
    const n = ofNode(node);
    if (to === lastTo) return lastBySite[n.site];
    if (to.startsWith("node:")) return rttTo(cluster, n, to);
    let bySite = rttBySite.get(to);
    if (!bySite) {
      bySite = cluster.sites.map((s) =>
        s.end > s.start ? rttTo(cluster, cluster.nodes[s.start] as SimNode, to) : undefined,
      );
      rttBySite.set(to, bySite);
    }
    lastTo = to;
    lastBySite = bySite;
    return bySite[n.site];
  };
  const makeRun = (wl: number): Run => {
    const shape = shapes[wl] as JobShape;
    const ctx: PlacementContext = {
      jobId: shape.name,
      task: shape.name,
      need: shape.need,
      gpu: undefined,
      driver: "exec",
      constraints: [],
      affinities: name === "brink" ? shape.affinities : [],
      spread: [],
      algorithm,
      latency: name === "brink" ? shape.latency : [],
      rtt,
      distinctHosts: "none",
      desiredCount: 1,
      used: (id) => simNode(id).used,
      devicesUsed: () => NO_DEVICES,
      jobCountOn: () => 0,
      taskCountOn: () => 0,
      spreadCount: () => 0,
      spreadValues: () => 0,
      preferredNode: () =>
        current && current.pinned >= 0 ? cluster.nodes[current.pinned]?.node.id : undefined,
      avoidNodes: () => current?.task.failedOn ?? [],
      // Inputs come from the request's origin (the engine charges that transfer), not from
      // named data sources, so the data-locality ranker has nothing to weigh here.
      readsData: () => false,
      inputTransferSec: () => undefined,
    };
    const cache: ClassCache = new Map();
    const { passed, dropped, reasons } = classFilter(ctx, nodes, feasibility, cache);
    const wide = ctx.affinities.length > 0;
    return {
      ctx,
      cache,
      passed,
      source: new CandidateSource(passed, random),
      limit: limitFor(nodes.length, wide),
      prefiltered: { dropped, reasons },
    };
  };

  const invalidate = () => {
    nodes = cluster.nodes.map((n) => n.node);
    runs = [];
  };
  invalidate();

  return {
    name,
    invalidate,
    choose(inst) {
      if (env.load.freeCount === 0) return -1;
      const wl = inst.task.wl;
      let run = runs[wl];
      if (!run) {
        run = makeRun(wl);
        runs[wl] = run;
      }
      current = inst;
      // Few nodes with a free slot (a busy cluster): walk only those rather than the fleet.
      const source = env.load.freeCount <= FEW_FREE ? fewFree(env, run, feasibility) : run.source;
      const sel = selectNode(run.ctx, source, {
        feasibility,
        rankers: RANKERS,
        cache: run.cache,
        limit: run.limit,
        prefiltered: run.prefiltered,
      });
      current = null;
      return sel.node === null ? -1 : ofNode(sel.node).idx;
    },
  };
}

/** A candidate source over the nodes with a free slot that pass the workload's class checks. */
function fewFree(
  env: PolicyEnv,
  run: Run,
  feasibility: readonly FeasibilityPlugin[],
): CandidateSource {
  const free = env.load.freeNodes(FEW_FREE).map((i) => (env.cluster.nodes[i] as SimNode).node);
  const { passed } = classFilter(run.ctx, free, feasibility, run.cache);
  return new CandidateSource(passed);
}

/** Round trip in ms from a node to `site:<name>` or `node:<name>` (2 × one-way latency). */
export function rttTo(cluster: SimCluster, node: SimNode, to: string): number | undefined {
  let site: number | undefined;
  if (to.startsWith("site:")) site = cluster.siteIndex.get(to.slice(5));
  else if (to.startsWith("node:")) {
    const other = cluster.nodes[cluster.nodeIndex.get(to.slice(5)) ?? -1];
    if (!other) return undefined;
    if (other === node) return 0;
    site = other.site;
  }
  if (site === undefined) return undefined;
  if (site === node.site) return 2 * cluster.intra.latencyMs;
  const route = cluster.routes[node.site]?.[site];
  return route ? 2 * route.latencyMs : undefined;
}
