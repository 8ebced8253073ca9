import { z } from "zod";
import type { DagProblem, Parsed } from "./problem.js";
import { type TimedTask, type ValidationReport, validateSchedule } from "./validate.js";
import { zodIssues } from "./zod-issues.js";

const PlanFile = z.looseObject({
  makespan: z.number(),
  tasks: z.array(
    z.looseObject({ id: z.string(), node: z.string(), start: z.number(), finish: z.number() }),
  ),
});

/**
 * Checks a plan in the contract's JSON form (`{makespan, tasks: [{id, node, start, finish}]}`,
 * e.g. written by another tool) against a problem: the same rules as `validateSchedule`, with
 * unknown task ids and node names reported as violations.
 */
export function checkPlanJson(problem: DagProblem, json: unknown): Parsed<ValidationReport> {
  const checked = PlanFile.safeParse(json);
  if (!checked.success) return { ok: false, issues: zodIssues(checked.error) };
  const taskIndex = new Map(problem.tasks.map((id, i) => [id, i]));
  const nodeIndex = new Map(problem.nodes.map((n, i) => [n.name, i]));
  const unknown: string[] = [];
  const tasks: TimedTask[] = [];
  for (const x of checked.data.tasks) {
    const task = taskIndex.get(x.id);
    const node = nodeIndex.get(x.node);
    if (task === undefined) unknown.push(`task ${x.id}: not in the workflow`);
    else if (node === undefined) unknown.push(`task ${x.id}: node ${x.node} is not in the cluster`);
    else tasks.push({ task, node, start: x.start, finish: x.finish });
  }
  const report = validateSchedule(problem, tasks, checked.data.makespan, 1e-6);
  const violations = [...unknown, ...report.violations];
  return { ok: true, value: { ok: violations.length === 0, violations }, warnings: [] };
}
