import type { z } from "zod";
import { BrinkError, type ErrorDetail } from "./errors.js";
import { type JobSpec, jobSpecSchema } from "./job-spec.js";

/** `["tasks", 0, "resources", "cpu"]` → `"tasks[0].resources.cpu"`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

function issueDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: `unknown field "${key}"`,
    }));
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    return [{ path: formatPath(issue.path), message: issue.message }];
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

/** Validates a job spec; throws `JOB_INVALID` with one detail per problem. */
export function validateJobSpec(input: unknown): JobSpec {
  const parsed = jobSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.flatMap(issueDetails);
  const first = details[0];
  const summary = first ? `${first.path}: ${first.message}` : "invalid job spec";
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : "";
  throw new BrinkError("JOB_INVALID", `job spec is invalid: ${summary}${more}`, details);
}
