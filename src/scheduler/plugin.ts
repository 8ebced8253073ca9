import type {
  Affinity,
  Constraint,
  GpuRequest,
  LatencyConstraint,
  Node,
  Resources,
  Spread,
} from "../model/index.js";

/** What every plugin may look at while placing one instance of one task. */
export interface PlacementContext {
  jobId: string;
  task: string;
  /** Resources the allocation needs. */
  need: Resources;
  gpu: GpuRequest | undefined;
  driver: string;
  /** Job and task constraints together. */
  constraints: readonly Constraint[];
  affinities: readonly Affinity[];
  spread: readonly Spread[];
  algorithm: "binpack" | "spread";
  /** Latency bounds of the task. */
  latency: readonly LatencyConstraint[];
  /** RTT from a node to a latency target; undefined when unknown. */
  rtt(node: Node, to: string): number | undefined;
  /** `job`: no two instances of the job on a node; `task`: of the task; `none`. */
  distinctHosts: "job" | "task" | "none";
  /** Instances of the task wanted in all (anti-affinity scales by it). */
  desiredCount: number;
  /** Resources in use per node, including what this plan already placed. */
  used(nodeId: string): Resources;
  /** GPU devices in use on a node, including this plan. */
  devicesUsed(nodeId: string): ReadonlySet<string>;
  jobCountOn(nodeId: string): number;
  taskCountOn(nodeId: string): number;
  /** Instances of this task (placed or kept) whose node has label `key` = `value`. */
  spreadCount(key: string, value: string): number;
  /** Distinct values of label `key` over the cluster's nodes (even spread divides by it). */
  spreadValues(key: string): number;
  /** The node a whole-workflow plan chose for the instance being placed, if any. */
  preferredNode(): string | undefined;
  /** Nodes earlier attempts of the instance being placed failed on. */
  avoidNodes(): readonly string[];
  /** True when the task reads data whose location is known (a parent's outputs, declared data). */
  readsData(): boolean;
  /** Estimated seconds to bring the task's inputs to `node` (each from its nearest copy). */
  inputTransferSec(node: Node): number | undefined;
}

/**
 * A feasibility check: `null` when the node can take the allocation, otherwise a short reason
 * ("filtered by constraint zone in [a,b]", "exhausted memory"). Reasons are counted per node in
 * explanations, so equal causes must produce equal strings.
 */
export interface FeasibilityPlugin {
  readonly name: string;
  /** True when the result depends only on the node's class (labels, drivers, status, GPUs), not on usage. */
  readonly cacheable: boolean;
  /**
   * False when the check cannot fail for this placement (the task asks for nothing it checks):
   * it is then not run per candidate. Looks only at the context. Absent: always applies.
   */
  applies?(ctx: PlacementContext): boolean;
  check(ctx: PlacementContext, node: Node): string | null;
}

/** A ranking: 0..100, higher is better; the node's score is the mean over the rankers that apply. */
export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  applies(ctx: PlacementContext): boolean;
  score(ctx: PlacementContext, node: Node): number;
}
