export { buildCluster, type SimCluster, type SimNode, selectNodes } from "./cluster.js";
export {
  type PolicyDetail,
  type PolicyResult,
  type SimInputs,
  type SimOptions,
  Simulation,
  simulate,
} from "./engine.js";
export {
  issuesText,
  isTaskWorkload,
  type ParsedScenario,
  POLICIES,
  type PolicyName,
  parseScenario,
  parseScenarioYaml,
  type Scenario,
  type ScenarioIssue,
} from "./scenario.js";
export { PLAN_NODES, plannerCluster, workflowPlanOptions } from "./workflow-run.js";
