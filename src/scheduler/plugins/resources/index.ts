import { exhaustedDimensions } from "../../../model/index.js";
import type { FeasibilityPlugin } from "../../plugin.js";
import { freeOn } from "../../snapshot.js";

/** The node must have the CPU, memory and disk free that the task asks for. */
export const resources: FeasibilityPlugin = {
  name: "resources",
  cacheable: false,
  check(ctx, node) {
    const missing = exhaustedDimensions(freeOn(node, ctx.used(node.id)), ctx.need);
    return missing.length === 0 ? null : `exhausted ${missing.join("+")}`;
  },
};
