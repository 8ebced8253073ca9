import { constraintHolds, describeConstraint } from "../../../model/index.js";
import type { FeasibilityPlugin } from "../../plugin.js";

/** Every job and task constraint must hold on the node's labels. */
export const constraints: FeasibilityPlugin = {
  name: "constraints",
  cacheable: true,
  check(ctx, node) {
    for (const c of ctx.constraints) {
      if (!constraintHolds(c, node.labels))
        return `filtered by constraint ${describeConstraint(c)}`;
    }
    return null;
  },
};
