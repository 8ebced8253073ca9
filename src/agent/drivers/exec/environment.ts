/** PATH given to tasks when the agent is not told otherwise. */
export const DEFAULT_TASK_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface TaskEnvInput {
  allocId: string;
  dir: string;
  path: string;
  env: Record<string, string>;
}

/** A minimal environment for a task; the task's own `env` wins over every default. */
export function taskEnvironment(input: TaskEnvInput): Record<string, string> {
  return {
    PATH: input.path,
    HOME: input.dir,
    BRINK_ALLOC_ID: input.allocId,
    BRINK_ALLOC_DIR: input.dir,
    ...input.env,
  };
}
