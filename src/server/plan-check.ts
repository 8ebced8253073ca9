import { exhaustedDimensions } from "../model/index.js";
import type { Plan } from "../scheduler/index.js";
import { freeOn, usageByNode } from "../scheduler/index.js";
import type { ClusterState } from "./state.js";

/**
 * The plan applier's re-check: a placement is committed only if its node is still ready and
 * still has room given what is committed now (another plan may have landed first). Placements
 * that no longer fit go back to pending with the reason.
 */
export function checkPlan(plan: Plan, state: ClusterState): Plan {
  const usage = usageByNode(state.allocs.values());
  for (const a of [...plan.stop, ...plan.preempt]) {
    if (a.nodeId === null) continue;
    const u = usage.get(a.nodeId);
    if (u && state.allocs.get(a.id)?.desiredStatus === "run") {
      usage.set(a.nodeId, {
        cpu: u.cpu - a.resources.cpu,
        memory: u.memory - a.resources.memory,
        disk: u.disk - a.resources.disk,
      });
    }
  }
  const place = plan.place.map((a) => {
    if (a.nodeId === null) return a;
    const node = state.nodes.get(a.nodeId);
    const missing = node
      ? exhaustedDimensions(freeOn(node, usage.get(node.id)), a.resources)
      : ["node"];
    if (node?.status !== "ready" || missing.length > 0) {
      return {
        ...a,
        nodeId: null,
        score: null,
        reasons: [`plan rejected: node changed (${missing.join("+") || "not ready"})`],
      };
    }
    const u = usage.get(node.id) ?? { cpu: 0, memory: 0, disk: 0 };
    usage.set(node.id, {
      cpu: u.cpu + a.resources.cpu,
      memory: u.memory + a.resources.memory,
      disk: u.disk + a.resources.disk,
    });
    return a;
  });
  return { ...plan, place };
}
