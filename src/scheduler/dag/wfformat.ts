import { z } from "zod";
import { topoOrder } from "./graph.js";
import type { InputIssue, Parsed } from "./problem.js";
import { zodIssues } from "./zod-issues.js";

/** A workflow as the planner needs it: tasks with runtimes, and the bytes on each edge. */
export interface WorkflowTask {
  readonly id: string;
  readonly name: string;
  /** Seconds on a node of speed 1. */
  readonly runtime: number;
}

export interface WorkflowEdge {
  readonly from: number;
  readonly to: number;
  /** Bytes the child reads from the parent's outputs. */
  readonly bytes: number;
}

export interface Workflow {
  readonly name: string;
  readonly tasks: readonly WorkflowTask[];
  readonly edges: readonly WorkflowEdge[];
}

const names = z.array(z.string()).optional();
const SpecTask = z.looseObject({
  id: z.string().min(1).optional(),
  name: z.string().optional(),
  parents: names,
  children: names,
  inputFiles: names,
  outputFiles: names,
});
const WfFormat = z.looseObject({
  name: z.string().optional(),
  workflow: z.looseObject({
    specification: z.looseObject({
      tasks: z.array(SpecTask),
      files: z
        .array(z.looseObject({ id: z.string(), sizeInBytes: z.number().nonnegative().nullish() }))
        .optional(),
    }),
    execution: z
      .looseObject({
        tasks: z.array(
          z.looseObject({ id: z.string(), runtimeInSeconds: z.number().nonnegative().nullish() }),
        ),
      })
      .optional(),
  }),
});
type SpecTask = z.infer<typeof SpecTask>;
type WfFormat = z.infer<typeof WfFormat>;

const TASKS = "workflow.specification.tasks";

/** Resolves a task reference: an id first, else a name that only one task has. */
class TaskIndex {
  private readonly byId = new Map<string, number>();
  private readonly byName = new Map<string, number[]>();

  constructor(tasks: readonly { id: string; name: string }[]) {
    tasks.forEach((t, i) => {
      this.byId.set(t.id, i);
      this.byName.set(t.name, [...(this.byName.get(t.name) ?? []), i]);
    });
  }

  resolve(ref: string): number | string {
    const id = this.byId.get(ref);
    if (id !== undefined) return id;
    const named = this.byName.get(ref) ?? [];
    if (named.length === 1) return named[0] as number;
    return named.length === 0
      ? `"${ref}" is neither a task id nor a task name (fix the reference or add the task)`
      : `"${ref}" is the name of ${named.length} tasks; refer to the parent by its id`;
  }
}

/** Ids and names; a task without an id goes by its name. Duplicate ids are issues. */
function identify(tasks: readonly SpecTask[], issues: InputIssue[]) {
  const seen = new Set<string>();
  return tasks.map((t, i) => {
    const id = t.id ?? t.name ?? "";
    if (id === "") issues.push({ path: `${TASKS}[${i}]`, message: "a task needs an id" });
    else if (seen.has(id))
      issues.push({ path: `${TASKS}[${i}].id`, message: `duplicate task id "${id}"` });
    seen.add(id);
    return { id, name: t.name ?? id };
  });
}

/** Parent→child links from `parents` and `children` lists (either or both), each once. */
function links(tasks: readonly SpecTask[], index: TaskIndex, issues: InputIssue[]) {
  const pairs = new Map<string, { from: number; to: number }>();
  const add = (path: string, ref: string, link: (other: number) => [number, number]) => {
    const other = index.resolve(ref);
    if (typeof other === "string") {
      issues.push({ path, message: other });
      return;
    }
    const [from, to] = link(other);
    if (from === to) issues.push({ path, message: "a task cannot depend on itself" });
    else pairs.set(`${from}>${to}`, { from, to });
  };
  tasks.forEach((t, i) => {
    t.parents?.forEach((p, k) => {
      add(`${TASKS}[${i}].parents[${k}]`, p, (o) => [o, i]);
    });
    t.children?.forEach((c, k) => {
      add(`${TASKS}[${i}].children[${k}]`, c, (o) => [i, o]);
    });
  });
  return [...pairs.values()];
}
/** Bytes on an edge: the files that are both the parent's outputs and the child's inputs. */
function edgeBytes(
  tasks: readonly SpecTask[],
  sizes: ReadonlyMap<string, number>,
  from: number,
  to: number,
): number {
  const inputs = new Set(tasks[to]?.inputFiles ?? []);
  let bytes = 0;
  for (const f of new Set(tasks[from]?.outputFiles ?? [])) {
    if (inputs.has(f)) bytes += sizes.get(f) ?? 0;
  }
  return bytes;
}

/** Runtimes from `workflow.execution.tasks` by id (or name); missing ones become 0, with a warning. */
function runtimes(doc: WfFormat, index: TaskIndex, n: number, warnings: string[]): number[] {
  const out = new Array<number | undefined>(n).fill(undefined);
  for (const e of doc.workflow.execution?.tasks ?? []) {
    const t = index.resolve(e.id);
    if (typeof t === "number" && e.runtimeInSeconds != null) out[t] = e.runtimeInSeconds;
  }
  const missing = out.filter((r) => r === undefined).length;
  if (missing > 0)
    warnings.push(
      `${missing} of ${n} tasks have no runtimeInSeconds in workflow.execution.tasks; they count as 0 s`,
    );
  return out.map((r) => r ?? 0);
}

function cycleIssue(ids: readonly string[], cycle: readonly number[]): InputIssue {
  const walk = cycle.map((t) => ids[t]).join(" → ");
  return {
    path: TASKS,
    message: `the parent/child links form a cycle: ${walk} (a workflow must be acyclic; remove one of these links)`,
  };
}

/**
 * Reads a WfCommons WfFormat 1.5 instance (already JSON-parsed): task runtimes from the
 * execution section, links from `parents` and/or `children` (ids or names), and edge bytes from
 * the files a child reads from its parent's outputs.
 */
export function parseWfFormat(json: unknown): Parsed<Workflow> {
  const checked = WfFormat.safeParse(json);
  if (!checked.success) return { ok: false, issues: zodIssues(checked.error) };
  const doc = checked.data;
  const issues: InputIssue[] = [];
  const warnings: string[] = [];
  const specTasks = doc.workflow.specification.tasks;
  const ids = identify(specTasks, issues);
  const index = new TaskIndex(ids);
  const pairs = links(specTasks, index, issues);
  if (issues.length > 0) return { ok: false, issues };
  const sorted = topoOrder(ids.length, pairs);
  if ("cycle" in sorted)
    return {
      ok: false,
      issues: [
        cycleIssue(
          ids.map((t) => t.id),
          sorted.cycle,
        ),
      ],
    };
  const runtime = runtimes(doc, index, ids.length, warnings);
  const tasks = ids.map((t, i) => ({ ...t, runtime: runtime[i] ?? 0 }));
  const sizes = new Map(doc.workflow.specification.files?.map((f) => [f.id, f.sizeInBytes ?? 0]));
  const edges = pairs.map((e) => ({ ...e, bytes: edgeBytes(specTasks, sizes, e.from, e.to) }));
  return { ok: true, value: { name: doc.name ?? "workflow", tasks, edges }, warnings };
}
