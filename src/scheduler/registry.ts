import type { FeasibilityPlugin, ScorePlugin } from "./plugin.js";
import { affinity } from "./plugins/affinity/index.js";
import { antiAffinity } from "./plugins/anti-affinity/index.js";
import { avoidFailed } from "./plugins/avoid-failed/index.js";
import { binPack } from "./plugins/bin-pack/index.js";
import { constraints } from "./plugins/constraints/index.js";
import { dataLocality } from "./plugins/data-locality/index.js";
import { distinctHosts } from "./plugins/distinct-hosts/index.js";
import { drivers } from "./plugins/drivers/index.js";
import { eligibility } from "./plugins/eligibility/index.js";
import { gpus } from "./plugins/gpus/index.js";
import { latency } from "./plugins/latency/index.js";
import { leastAllocated } from "./plugins/least-allocated/index.js";
import { resources } from "./plugins/resources/index.js";
import { spread } from "./plugins/spread/index.js";
import { workflow } from "./plugins/workflow/index.js";

/**
 * The placement pipeline, wired in one place. Feasibility runs in this order:
 * - eligibility first: a down or drained node is out whatever else holds, and it is cheapest;
 * - drivers and constraints next: they depend only on the node's class, so they are cached per
 *   class within an evaluation;
 * - latency next: it depends on the node itself (its measured round trips), not its class;
 * - distinct hosts, resources and GPUs last: they depend on what is in use (this plan included),
 *   so they run for the survivors only. Resources and GPUs are the checks preemption can lift.
 */
export const FEASIBILITY: readonly FeasibilityPlugin[] = [
  eligibility,
  drivers,
  constraints,
  latency,
  distinctHosts,
  resources,
  gpus,
];

/** Feasibility checks that evicting lower-priority work can make pass. */
export const PREEMPTIBLE_CHECKS: ReadonlySet<string> = new Set(["resources", "gpus"]);

/**
 * Rankers; each scores 0..100 and the node's score is the weighted mean of those that apply:
 * fit (bin-pack or least-allocated, per the job's algorithm), anti-affinity between replicas,
 * affinities and spread when the job has them, the whole-workflow plan's choice for workflows,
 * data locality for tasks that read named data, and avoiding the nodes a rescheduled instance
 * failed on.
 */
export const RANKERS: readonly ScorePlugin[] = [
  binPack,
  leastAllocated,
  antiAffinity,
  affinity,
  spread,
  workflow,
  dataLocality,
  avoidFailed,
];
