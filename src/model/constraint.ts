/** Operators of a constraint on node labels. */
export const CONSTRAINT_OPS = ["=", "!=", "in", "notin", "exists", "notexists"] as const;
export type ConstraintOp = (typeof CONSTRAINT_OPS)[number];

export interface Constraint {
  key: string;
  op: ConstraintOp;
  values?: string[] | undefined;
  value?: string | undefined;
}

/** The values a constraint compares against (`value` is shorthand for one value). */
export function constraintValues(c: Constraint): string[] {
  if (c.values) return c.values;
  return c.value === undefined ? [] : [c.value];
}

export function constraintHolds(c: Constraint, labels: Readonly<Record<string, string>>): boolean {
  const actual = labels[c.key];
  const values = constraintValues(c);
  switch (c.op) {
    case "exists":
      return actual !== undefined;
    case "notexists":
      return actual === undefined;
    case "=":
    case "in":
      return actual !== undefined && values.includes(actual);
    case "!=":
    case "notin":
      return actual === undefined || !values.includes(actual);
  }
}

export function describeConstraint(c: Constraint): string {
  const values = constraintValues(c);
  if (c.op === "exists" || c.op === "notexists") return `${c.key} ${c.op}`;
  if (c.op === "=" || c.op === "!=") return `${c.key} ${c.op} ${values.join(",")}`;
  return `${c.key} ${c.op} [${values.join(",")}]`;
}
