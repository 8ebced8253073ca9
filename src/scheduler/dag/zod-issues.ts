import type { z } from "zod";
import type { InputIssue } from "./problem.js";

/** `workflow.specification.tasks[3].parents[0]` style path. */
export function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out || "(top level)";
}

/** Zod's issues as `{path, message}`. */
export function zodIssues(error: z.ZodError): InputIssue[] {
  return error.issues.map((i) => ({ path: pathText(i.path), message: i.message }));
}
