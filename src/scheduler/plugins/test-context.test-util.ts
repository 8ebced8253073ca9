import type { Resources } from "../../model/index.js";
import type { PlacementContext } from "../plugin.js";

/** What the hand-built context reports as in use, per node id (missing = nothing). */
export interface ContextUsage {
  used?: Record<string, Resources>;
  devices?: Record<string, string[]>;
  jobCount?: Record<string, number>;
  taskCount?: Record<string, number>;
  /** Instances per `key=value` of a spread label. */
  spreadCount?: Record<string, number>;
  /** Distinct values per spread label key. */
  spreadValues?: Record<string, number>;
  /** The node a whole-workflow plan chose for the instance. */
  preferredNode?: string;
  /** Nodes earlier attempts of the instance failed on. */
  avoidNodes?: string[];
  /** RTT by `<node id> <target>`. */
  rtt?: Record<string, number>;
  /** Seconds to bring the task's inputs, per node id (absent: the task reads no data). */
  inputTransferSec?: Record<string, number>;
}

type ContextData = Omit<
  PlacementContext,
  | "used"
  | "devicesUsed"
  | "jobCountOn"
  | "taskCountOn"
  | "spreadCount"
  | "spreadValues"
  | "preferredNode"
  | "avoidNodes"
  | "rtt"
  | "readsData"
  | "inputTransferSec"
>;

/** A PlacementContext for plugin tests: a 1-CPU/1-GiB exec task by default, nothing in use. */
export function testContext(over: Partial<ContextData> = {}, usage: ContextUsage = {}) {
  const ctx: PlacementContext = {
    jobId: "job-j",
    task: "t",
    need: { cpu: 1000, memory: 1024, disk: 0 },
    gpu: undefined,
    driver: "exec",
    constraints: [],
    affinities: [],
    spread: [],
    algorithm: "binpack",
    distinctHosts: "none",
    desiredCount: 1,
    latency: [],
    ...over,
    used: (id) => usage.used?.[id] ?? { cpu: 0, memory: 0, disk: 0 },
    devicesUsed: (id) => new Set(usage.devices?.[id] ?? []),
    jobCountOn: (id) => usage.jobCount?.[id] ?? 0,
    taskCountOn: (id) => usage.taskCount?.[id] ?? 0,
    spreadCount: (key, value) => usage.spreadCount?.[`${key}=${value}`] ?? 0,
    spreadValues: (key) => usage.spreadValues?.[key] ?? 1,
    preferredNode: () => usage.preferredNode,
    avoidNodes: () => usage.avoidNodes ?? [],
    readsData: () => usage.inputTransferSec !== undefined,
    inputTransferSec: (node) => usage.inputTransferSec?.[node.id],
    rtt: (node, to) => usage.rtt?.[`${node.id} ${to}`],
  };
  return ctx;
}
