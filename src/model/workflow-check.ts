import type { z } from "zod";

interface WorkflowTask {
  name: string;
  after: string[];
  outputs: { name: string }[];
  inputs: string[];
}

function addIssue(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: "custom", path, message });
}

/** Tasks that can reach `start` by following `after` links (its ancestors). */
export function ancestors(tasks: readonly WorkflowTask[], start: string): Set<string> {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const seen = new Set<string>();
  const stack = [...(byName.get(start)?.after ?? [])];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(byName.get(name)?.after ?? []));
  }
  return seen;
}

/**
 * A job whose tasks use `after` is a workflow: only batch jobs; parents must exist; no cycles;
 * an input must name an output of an ancestor task.
 */
export function checkWorkflow(
  type: string,
  tasks: readonly WorkflowTask[],
  ctx: z.RefinementCtx,
  declared: ReadonlySet<string> = new Set(),
) {
  const names = new Set(tasks.map((t) => t.name));
  const isWorkflow = tasks.some((t) => t.after.length > 0 || t.inputs.length > 0);
  tasks.forEach((t, i) => {
    if (isWorkflow && type !== "batch" && t.after.length > 0) {
      addIssue(ctx, ["tasks", i, "after"], `"after" needs a batch job (this job is ${type})`);
    }
    t.after.forEach((parent, k) => {
      if (!names.has(parent))
        addIssue(ctx, ["tasks", i, "after", k], `no task named "${parent}" in this job`);
      if (parent === t.name)
        addIssue(ctx, ["tasks", i, "after", k], "a task cannot wait for itself");
    });
  });
  tasks.forEach((t, i) => {
    const up = ancestors(tasks, t.name);
    if (up.has(t.name)) {
      addIssue(
        ctx,
        ["tasks", i, "after"],
        `task "${t.name}" depends on itself through "after" (a cycle)`,
      );
      return;
    }
    const available = new Set(
      tasks.filter((x) => up.has(x.name)).flatMap((x) => x.outputs.map((o) => o.name)),
    );
    t.inputs.forEach((input, k) => {
      if (!available.has(input) && !declared.has(input)) {
        addIssue(
          ctx,
          ["tasks", i, "inputs", k],
          `"${input}" is not an output of a task this one runs after, nor declared in the job's "data"`,
        );
      }
    });
  });
}
