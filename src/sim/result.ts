import type { Workflow } from "../scheduler/dag/index.js";
import type { PolicyName } from "./policy-names.js";

/** Files a scenario refers to, read by the caller (the core does no I/O). */
export interface SimInputs {
  /** Parsed WfFormat workflows by the `wfformat` path as written in the scenario. */
  workflows: ReadonlyMap<string, Workflow>;
  /** Arrival times (seconds) by the trace `file` path as written in the scenario. */
  traces: ReadonlyMap<string, readonly number[]>;
}

/** One line of `brink sim --json` (a contract: the field names never change). */
export interface PolicyResult {
  policy: PolicyName;
  tasks: number;
  completed: number;
  failed: number;
  meanLatency: number;
  p50Latency: number;
  p95Latency: number;
  p99Latency: number;
  deadlineMissRate: number;
  utilization: number;
  energyJ: number;
  networkBytes: number;
  reschedules: number;
  meanRecoverySec: number;
  workflowMakespans: number[];
}

/** What the HTML report draws, besides the result. */
export interface PolicyDetail {
  result: PolicyResult;
  latencyCdf: [number, number][];
  /** Sample times (s) and, per site, busy slots / slots at each. */
  sampleTimes: number[];
  siteUtilization: { site: string; values: number[] }[];
  /** Deadline misses per bin of arrival time (`binSec` wide). */
  binSec: number;
  misses: number[];
  arrivals: number[];
  failures: { at: number; label: string }[];
  energyBySite: { site: string; joules: number }[];
  events: number;
}

export interface SimOptions {
  policy: PolicyName;
  /** Called now and then with the fraction of simulated time done. */
  onProgress?: (fraction: number) => void;
  /** How many points the time series have (default 100). */
  bins?: number;
}
