import type { Constraint, Node, Resources } from "../model/index.js";

/** What every plugin may look at while placing one allocation. */
export interface PlacementContext {
  /** Resources the allocation needs. */
  need: Resources;
  driver: string;
  /** Job and task constraints together. */
  constraints: readonly Constraint[];
  /** Resources in use per node, including what this plan already placed. */
  used(nodeId: string): Resources;
}

/**
 * A feasibility check: `null` when the node can take the allocation, otherwise a short reason
 * ("constraint zone in [a,b]", "exhausted memory"). Reasons are counted per node in explanations,
 * so equal causes must produce equal strings.
 */
export interface FeasibilityPlugin {
  readonly name: string;
  /** True when the result depends only on the node's class (labels, drivers, status), not on usage. */
  readonly cacheable: boolean;
  check(ctx: PlacementContext, node: Node): string | null;
}

/** A ranking: 0..100, higher is better; weighted and averaged with the other rankers. */
export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  score(ctx: PlacementContext, node: Node): number;
}
