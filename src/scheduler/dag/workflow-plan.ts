import type { Cluster } from "./cluster.js";
import { type PlanOptions, planDag } from "./plan.js";
import { type PlanReport, planReport } from "./report.js";
import type { Workflow } from "./wfformat.js";
import { workflowLowerBound, workflowProblem } from "./workflow-problem.js";

/** A parsed workflow planned on a parsed cluster, as the contract report. */
export function planWorkflow(
  workflow: Workflow,
  cluster: Cluster,
  options: PlanOptions,
): PlanReport {
  const problem = workflowProblem(workflow, cluster);
  const plan = planDag(problem, options);
  return planReport(problem, workflow, cluster, plan, workflowLowerBound(workflow, cluster));
}
