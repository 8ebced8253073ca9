export { type BrinkOptions, type BrinkOutcome, brink } from "./brink.js";
export { type Cluster, ClusterSchema, parseCluster, parseClusterYaml } from "./cluster.js";
export { criticalChain } from "./critical-chain.js";
export { buildGraph, type DagGraph, DagProblemError, topoOrder } from "./graph.js";
export { heft, heftCandidate, heftOrder } from "./heft.js";
export { type Candidate, decode, listSchedule } from "./list-schedule.js";
export { localSearch, type SearchStats } from "./local-search.js";
export { lowerBound } from "./lower-bound.js";
export { octRank, optimisticCostTable } from "./oct.js";
export { peft, peftCandidate, peftOrder } from "./peft.js";
export {
  ALGORITHMS,
  type Algorithm,
  type BrinkDetails,
  type DagPlan,
  DEFAULT_BUDGET_MS,
  type PlanOptions,
  planDag,
} from "./plan.js";
export { checkPlanJson } from "./plan-check.js";
export type {
  DagEdge,
  DagNetwork,
  DagNode,
  DagProblem,
  InputIssue,
  Parsed,
  Placement,
  Schedule,
} from "./problem.js";
export { edgeTransfer } from "./problem.js";
export { downwardRank, taskWeights, upwardRank } from "./rank.js";
export { type PlanReport, planReport, type ReportTask } from "./report.js";
export { type TimedTask, type ValidationReport, validateSchedule } from "./validate.js";
export { parseWfFormat, type Workflow, type WorkflowEdge, type WorkflowTask } from "./wfformat.js";
export { planWorkflow } from "./workflow-plan.js";
export { transferSeconds, workflowLowerBound, workflowProblem } from "./workflow-problem.js";
