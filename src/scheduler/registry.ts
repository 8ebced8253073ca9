import type { FeasibilityPlugin, ScorePlugin } from "./plugin.js";
import { binPack } from "./plugins/bin-pack/index.js";
import { constraints } from "./plugins/constraints/index.js";
import { drivers } from "./plugins/drivers/index.js";
import { eligibility } from "./plugins/eligibility/index.js";
import { resources } from "./plugins/resources/index.js";

/**
 * The placement pipeline, wired in one place. Feasibility runs in this order:
 * - eligibility first: a down or drained node is out whatever else holds, and it is cheapest;
 * - drivers and constraints next: they depend only on the node's class, so they are cached;
 * - resources last: it depends on what is in use, so it runs for the survivors only.
 */
export const FEASIBILITY: readonly FeasibilityPlugin[] = [
  eligibility,
  drivers,
  constraints,
  resources,
];

/** Rankers; each scores 0..100 and the weighted mean is the node's score. */
export const RANKERS: readonly ScorePlugin[] = [binPack];
