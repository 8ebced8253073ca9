import type { Allocation, Job, Node, TaskSpec } from "../model/index.js";
import { type NetworkView, nodeLink, siteLink, transferSec } from "./network.js";

/** Where one input of a task can be read from: some nodes and/or a site, and its size. */
export interface InputCopies {
  name: string;
  bytes: number;
  nodes: Node[];
  sites: string[];
}

/**
 * Where each of `task`'s inputs lives: the nodes where instances of a producing task (one whose
 * `outputs` name it) completed or run, and the job's declared `data` sources. Inputs with no
 * known location yet are left out.
 */
export function locateInputs(
  job: Job,
  task: TaskSpec,
  allocs: readonly Allocation[],
  nodeById: (id: string) => Node | undefined,
  nodeByName: (name: string) => Node | undefined,
): InputCopies[] {
  const out: InputCopies[] = [];
  for (const name of task.inputs) {
    const copy: InputCopies = { name, bytes: 0, nodes: [], sites: [] };
    for (const producer of job.spec.tasks) {
      const output = producer.outputs.find((o) => o.name === name);
      if (!output) continue;
      copy.bytes = Math.max(copy.bytes, output.size);
      for (const a of allocs) {
        if (a.task !== producer.name || a.nodeId === null) continue;
        if (a.status !== "complete" && a.status !== "running") continue;
        const node = nodeById(a.nodeId);
        if (node && !copy.nodes.includes(node)) copy.nodes.push(node);
      }
    }
    for (const d of job.spec.data ?? []) {
      if (d.name !== name) continue;
      copy.bytes = Math.max(copy.bytes, d.size);
      const what = d.at.slice(d.at.indexOf(":") + 1);
      if (d.at.startsWith("site:")) copy.sites.push(what);
      else {
        const node = nodeByName(what);
        if (node) copy.nodes.push(node);
      }
    }
    if (copy.nodes.length > 0 || copy.sites.length > 0) out.push(copy);
  }
  return out;
}

/** Seconds to bring every input to `node`, each from its nearest copy. */
export function inputTransferSec(
  copies: readonly InputCopies[],
  node: Node,
  network: NetworkView | undefined,
): number {
  let total = 0;
  for (const c of copies) {
    let best = Number.POSITIVE_INFINITY;
    for (const src of c.nodes)
      best = Math.min(best, transferSec(nodeLink(network, src, node), c.bytes));
    for (const site of c.sites)
      best = Math.min(best, transferSec(siteLink(network, site, node.site), c.bytes));
    total += best;
  }
  return total;
}
