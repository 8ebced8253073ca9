/** The placement policies `brink sim` compares (kept apart so the CLI can list them cheaply). */
export const POLICIES = [
  "brink",
  "binpack",
  "spread",
  "random",
  "round_robin",
  "least_loaded",
  "latency_greedy",
] as const;
export type PolicyName = (typeof POLICIES)[number];
