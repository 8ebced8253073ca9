import type { JobType, RestartPolicy } from "./job-spec.js";

/**
 * Restart policy when a task does not give one (batch tasks retry more, like Nomad). Kept apart
 * from the schemas so the agent can use it without loading the validation library.
 */
export function defaultRestart(type: JobType): RestartPolicy {
  return type === "batch"
    ? { attempts: 3, delay: 1000, mode: "fail" }
    : { attempts: 2, delay: 1000, mode: "fail" };
}
