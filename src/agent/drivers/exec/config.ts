import { type ExecConfig, execConfigSchema } from "../../../model/job-spec.js";

/** Validates an exec task's config (the same schema the API applies to job specs). */
export function parseExecConfig(config: Record<string, unknown>): ExecConfig {
  const parsed = execConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const at = i.path.length > 0 ? `config.${i.path.join(".")}: ` : "config: ";
    return `${at}${i.message}`;
  });
  throw new Error(`invalid exec config: ${problems.join("; ")}`);
}
