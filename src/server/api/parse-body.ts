import type { z } from "zod";
import { BrinkError, type ErrorCode, formatPath } from "../../model/index.js";

/** Validates a request body with a schema; errors list each offending path. */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  code: ErrorCode,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({
    path: formatPath(i.path),
    message: i.message,
  }));
  const first = details[0];
  throw new BrinkError(code, `${what} is invalid: ${first?.path}: ${first?.message}`, details);
}
