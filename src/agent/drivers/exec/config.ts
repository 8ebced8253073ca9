import type { ExecConfig } from "../../../model/job-spec.js";

const KNOWN = new Set(["command", "args", "durationMs"]);

/**
 * Validates an exec task's config: the same rules the API's schema applies to job specs, checked
 * by hand so the agent does not load the validation library (a smaller agent on small devices).
 */
export function parseExecConfig(config: Record<string, unknown>): ExecConfig {
  const problems: string[] = [];
  const { command, args, durationMs } = config;
  if (typeof command !== "string" || command.length === 0) {
    problems.push("config.command: must be a non-empty string");
  }
  if (args !== undefined && (!Array.isArray(args) || args.some((a) => typeof a !== "string"))) {
    problems.push("config.args: must be a list of strings");
  }
  for (const key of Object.keys(config))
    if (!KNOWN.has(key)) problems.push(`config: unknown field "${key}"`);
  if (problems.length > 0) throw new Error(`invalid exec config: ${problems.join("; ")}`);
  const out: ExecConfig = {
    command: command as string,
    args: (args as string[] | undefined) ?? [],
  };
  if (typeof durationMs === "number") out.durationMs = durationMs;
  return out;
}
