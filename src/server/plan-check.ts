import {
  addResources,
  exhaustedDimensions,
  type Resources,
  subtractResources,
} from "../model/index.js";
import type { Plan } from "../scheduler/index.js";
import { freeOn } from "../scheduler/index.js";
import type { PlanCheckView } from "./state-overlay.js";

/**
 * The plan applier's re-check: a placement is committed only if its node is still ready and
 * still has room given what is committed now (another plan may have landed first). Placements
 * that no longer fit go back to pending with the reason. Reads the state's live usage with a
 * small overlay for this plan, so it costs O(plan), not O(cluster).
 */
export function checkPlan(plan: Plan, state: PlanCheckView): Plan {
  const overlay = new Map<string, Resources>();
  const usedOn = (id: string) => overlay.get(id) ?? state.usedOn(id);
  for (const a of [...plan.stop, ...plan.preempt]) {
    if (a.nodeId === null || state.allocs.get(a.id)?.desiredStatus !== "run") continue;
    overlay.set(a.nodeId, subtractResources(usedOn(a.nodeId), a.resources));
  }
  const place = plan.place.map((a) => {
    if (a.nodeId === null) return a;
    const node = state.nodes.get(a.nodeId);
    const previous = state.allocs.get(a.id);
    const missing = node
      ? exhaustedDimensions(freeOn(node, usedOn(node.id)), a.resources)
      : ["node"];
    if (node?.status !== "ready" || missing.length > 0) {
      const why = missing.join("+") || "not ready";
      return {
        ...a,
        nodeId: null,
        score: null,
        devices: [],
        reasons: [`plan rejected: node changed (${why})`],
      };
    }
    if (previous?.nodeId !== a.nodeId)
      overlay.set(node.id, addResources(usedOn(node.id), a.resources));
    return a;
  });
  return { ...plan, place };
}
