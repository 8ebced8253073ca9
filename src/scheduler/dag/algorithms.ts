/**
 * The planner's algorithm names and default search budget, in a module of their own: the CLI
 * builds its `brink workflow` options from them at start, and must not load the planner itself
 * for every command (`brink agent` among them).
 */
export const ALGORITHMS = ["heft", "peft", "brink"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const DEFAULT_BUDGET_MS = 2000;
