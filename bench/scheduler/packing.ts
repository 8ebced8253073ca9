import type { Node, Resources } from "../../src/model/index.js";
import { type Random, seededRandom } from "../../src/scheduler/random.js";
import { scheduleJob } from "../../src/scheduler/schedule.js";
import { makeCluster } from "./cluster.js";
import { LiveSnapshot } from "./live-snapshot.js";
import { round } from "./stats.js";
import { makeJob } from "./workload.js";

export const POLICIES = [
  "brink-binpack",
  "brink-spread",
  "random",
  "first-fit",
  "worst-fit",
  "best-fit",
] as const;
export type Policy = (typeof POLICIES)[number];

export interface PackingResult {
  scenario: "packing";
  policy: Policy;
  nodes: number;
  trials: number;
  /** Means over the trials. */
  placements: number;
  cpuUtil: number;
  memUtil: number;
  /** Mean of cpuUtil and memUtil. */
  util: number;
}

/** Task sizes drawn uniformly: 0.25–4 cores and 256 MiB–16 GiB, independently. */
function taskSize(random: Random): Resources {
  return {
    cpu: 250 * (1 + Math.floor(random() * 16)),
    memory: 256 * (1 + Math.floor(random() * 64)),
    disk: 0,
  };
}

/** A baseline: a plain loop over the nodes choosing where `need` goes (or null: nothing fits). */
type Chooser = (
  nodes: readonly Node[],
  used: Resources[],
  need: Resources,
  random: Random,
) => number;

const fits = (n: Node, u: Resources, need: Resources) =>
  u.cpu + need.cpu <= n.resources.cpu && u.memory + need.memory <= n.resources.memory;
/** Mean CPU/memory utilisation of a node after placing `need` (Brink's bin-pack measure). */
const after = (n: Node, u: Resources, need: Resources) =>
  ((u.cpu + need.cpu) / n.resources.cpu + (u.memory + need.memory) / n.resources.memory) / 2;

function byScore(score: (n: Node, u: Resources, need: Resources) => number): Chooser {
  return (nodes, used, need) => {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    nodes.forEach((n, i) => {
      const u = used[i] as Resources;
      if (!fits(n, u, need)) return;
      const s = score(n, u, need);
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    });
    return best;
  };
}

const BASELINES: Record<"random" | "first-fit" | "worst-fit" | "best-fit", Chooser> = {
  /** Uniformly among the nodes where it fits. */
  random: (nodes, used, need, random) => {
    const ok = nodes.flatMap((n, i) => (fits(n, used[i] as Resources, need) ? [i] : []));
    return ok.length === 0 ? -1 : (ok[Math.floor(random() * ok.length)] as number);
  },
  /** The first node (in a fixed order) where it fits. */
  "first-fit": (nodes, used, need) =>
    nodes.findIndex((n, i) => fits(n, used[i] as Resources, need)),
  /** The node left emptiest (lowest utilisation after placement). */
  "worst-fit": byScore((n, u, need) => -after(n, u, need)),
  /** The node left fullest, over every node (bin-pack without a limit stage). */
  "best-fit": byScore(after),
};

interface Fill {
  placements: number;
  used: Resources;
}

function fillBaseline(
  nodes: readonly Node[],
  choose: Chooser,
  sizes: Random,
  pickRandom: Random,
): Fill {
  const used = nodes.map(() => ({ cpu: 0, memory: 0, disk: 0 }));
  let placements = 0;
  for (;;) {
    const need = taskSize(sizes);
    const i = choose(nodes, used, need, pickRandom);
    if (i < 0) break;
    const u = used[i] as Resources;
    u.cpu += need.cpu;
    u.memory += need.memory;
    placements++;
  }
  const total = used.reduce((t, u) => ({
    cpu: t.cpu + u.cpu,
    memory: t.memory + u.memory,
    disk: 0,
  }));
  return { placements, used: total };
}

/** Brink: every task is its own job of one instance, placed by `scheduleJob` and applied. */
function fillBrink(nodes: readonly Node[], algorithm: "binpack" | "spread", sizes: Random): Fill {
  const snapshot = new LiveSnapshot(nodes);
  let placements = 0;
  let n = 0;
  for (;;) {
    const need = taskSize(sizes);
    const job = makeJob(
      {
        name: `p${placements}`,
        scheduling: { algorithm },
        tasks: [
          {
            name: "t",
            driver: "exec",
            config: { command: "/bin/true" },
            resources: { cpu: need.cpu, memory: need.memory },
          },
        ],
      },
      "2026-01-01T00:00:00.000Z",
    );
    const plan = scheduleJob({
      job,
      allocs: [],
      snapshot,
      evalId: `pack-${placements}`,
      now: "2026-01-01T00:00:00.000Z",
      newId: () => `a${++n}`,
    });
    if (snapshot.apply(plan) === 0) break;
    placements++;
  }
  const used = { cpu: 0, memory: 0, disk: 0 };
  for (const u of snapshot.usage.values()) {
    used.cpu += u.cpu;
    used.memory += u.memory;
  }
  return { placements, used };
}

/**
 * Packing quality: fill a heterogeneous cluster (every node up, no GPUs asked for) with tasks of
 * random sizes until the first one that fits nowhere, and report the share of CPU and memory
 * allocated then. Each trial draws the same task sequence for every policy.
 */
export function runPacking(nodeCount: number, trials: number, seed = 1): PackingResult[] {
  const sums = new Map<Policy, { placements: number; cpu: number; mem: number }>();
  for (let t = 0; t < trials; t++) {
    const nodes = makeCluster(nodeCount, seededRandom(seed * 1000 + t), { unavailable: 0 });
    const cap = nodes.reduce(
      (c, n) => ({ cpu: c.cpu + n.resources.cpu, mem: c.mem + n.resources.memory }),
      {
        cpu: 0,
        mem: 0,
      },
    );
    for (const policy of POLICIES) {
      const sizes = seededRandom(seed * 7 + t);
      const fill =
        policy === "brink-binpack"
          ? fillBrink(nodes, "binpack", sizes)
          : policy === "brink-spread"
            ? fillBrink(nodes, "spread", sizes)
            : fillBaseline(nodes, BASELINES[policy], sizes, seededRandom(seed * 13 + t));
      const s = sums.get(policy) ?? { placements: 0, cpu: 0, mem: 0 };
      s.placements += fill.placements;
      s.cpu += fill.used.cpu / cap.cpu;
      s.mem += fill.used.memory / cap.mem;
      sums.set(policy, s);
    }
  }
  return POLICIES.map((policy) => {
    const s = sums.get(policy) ?? { placements: 0, cpu: 0, mem: 0 };
    const cpuUtil = s.cpu / trials;
    const memUtil = s.mem / trials;
    return {
      scenario: "packing",
      policy,
      nodes: nodeCount,
      trials,
      placements: Math.round(s.placements / trials),
      cpuUtil: round(cpuUtil, 3),
      memUtil: round(memUtil, 3),
      util: round((cpuUtil + memUtil) / 2, 3),
    };
  });
}
