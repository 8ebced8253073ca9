import { type Random, seededRandom, seedFrom } from "../scheduler/random.js";
import { type SimCluster, type SimNode, selectNodes } from "./cluster.js";
import { exponential } from "./dist.js";
import type { Scenario } from "./scenario.js";

/** One thing that happens to the fleet at a moment: what, to which nodes or site, and its label. */
export interface FailureAction {
  at: number;
  kind: "crash" | "recover" | "partition" | "heal" | "cut" | "uncut";
  nodes: SimNode[];
  /** Site index for `partition` / `heal`. */
  site?: number;
  /** Shown on the report's charts (only where a failure starts). */
  label?: string;
}

function mtbf(
  random: Random,
  nodes: SimNode[],
  f: { mtbfSec: number; mttrSec: number },
  duration: number,
): FailureAction[] {
  const out: FailureAction[] = [];
  for (const node of nodes) {
    let t = exponential(random, f.mtbfSec);
    while (t < duration) {
      const repair = exponential(random, f.mttrSec);
      out.push({ at: t, kind: "crash", nodes: [node], label: `${node.name} crash (MTBF)` });
      out.push({ at: t + repair, kind: "recover", nodes: [node] });
      t = t + repair + exponential(random, f.mtbfSec);
    }
  }
  return out;
}

/**
 * The scenario's failures as timed actions, in scenario order (random up and down times drawn
 * from a stream seeded per failure entry, so adding one entry does not move the others).
 */
export function failurePlan(scenario: Scenario, cluster: SimCluster): FailureAction[] {
  const out: FailureAction[] = [];
  scenario.failures.forEach((f, i) => {
    if ("mtbfSec" in f) {
      const random = seededRandom(seedFrom(`${scenario.seed}/mtbf/${i}`));
      out.push(...mtbf(random, selectNodes(cluster, f.nodes), f, scenario.duration));
      return;
    }
    const nodes = selectNodes(cluster, "node" in f ? `node:${f.node}` : `site:${f.site}`);
    const what = "node" in f ? f.node : `site ${f.site}`;
    const back = f.kind === "crash" ? f.recoverAfter : (f.duration ?? f.recoverAfter);
    if (f.kind === "crash") {
      out.push({ at: f.at, kind: "crash", nodes, label: `${what} crash` });
      if (back !== undefined) out.push({ at: f.at + back, kind: "recover", nodes });
    } else if ("site" in f) {
      const site = cluster.siteIndex.get(f.site) ?? 0;
      out.push({ at: f.at, kind: "partition", nodes: [], site });
      if (back !== undefined) out.push({ at: f.at + back, kind: "heal", nodes: [], site });
    } else if (nodes.length > 0) {
      out.push({ at: f.at, kind: "cut", nodes });
      if (back !== undefined) out.push({ at: f.at + back, kind: "uncut", nodes });
    }
  });
  return out;
}
