import { randomBytes } from "node:crypto";
import {
  type Allocation,
  type Evaluation,
  type Job,
  type Node,
  newId,
  validateJobSpec,
} from "../model/index.js";
import type { TokenRecord } from "./store.js";

/** Records for the store tests: complete, distinct and easy to compare. */

export const T0 = Date.UTC(2025, 0, 1);
/** ISO time `seconds` after a fixed epoch, so orderings are explicit. */
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

let seq = 0;
const next = () => ++seq;

export function makeNode(overrides: Partial<Node> = {}): Node {
  const n = next();
  return {
    id: newId(),
    name: `node-${n}`,
    site: "factory-1",
    status: "ready",
    eligible: true,
    labels: { "brink/site": "factory-1", zone: "a" },
    resources: { cpu: 4000, memory: 8192, disk: 100_000 },
    drivers: ["exec"],
    attributes: {
      arch: "arm64",
      os: "linux",
      kernel: "6.1.0",
      hostname: `edge-${n}`,
      cpuModel: "Cortex-A72",
    },
    gpus: [{ model: "Orin", memory: 8192, uuid: `GPU-${n}` }],
    createdAt: at(0),
    lastHeartbeat: at(1),
    statusReason: null,
    ...overrides,
  };
}

export function makeJob(overrides: Partial<Job> = {}): Job {
  const name = overrides.name ?? `job-${next()}`;
  const spec = validateJobSpec({
    name,
    priority: 70,
    tasks: [{ name: "web", count: 2, driver: "exec", config: { command: "sleep", args: ["9"] } }],
    meta: { team: "edge" },
  });
  return {
    id: newId(),
    name,
    version: 1,
    type: spec.type,
    priority: spec.priority,
    status: "pending",
    stopped: false,
    spec,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function makeAllocation(job: Job, overrides: Partial<Allocation> = {}): Allocation {
  return {
    id: newId(),
    jobId: job.id,
    jobVersion: job.version,
    task: "web",
    jobType: job.type,
    taskSpec: job.spec.tasks[0]!,
    index: 0,
    nodeId: null,
    status: "pending",
    desiredStatus: "run",
    resources: { cpu: 100, memory: 64, disk: 0 },
    devices: [],
    priority: job.priority,
    exitCode: null,
    signal: null,
    reasons: ["no node with driver exec"],
    restarts: 0,
    score: { "bin-pack": 87.5, spread: 12 },
    createdAt: at(10),
    updatedAt: at(10),
    ...overrides,
  };
}

export function makeEvaluation(jobId: string, overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    id: newId(),
    jobId,
    trigger: "job-register",
    status: "pending",
    createdAt: at(5),
    updatedAt: at(5),
    ...overrides,
  };
}

export function makeToken(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash: randomBytes(32).toString("hex"),
    role: "node",
    nodeId: newId(),
    createdAt: at(0),
    ...overrides,
  };
}

/** Resolves to the error `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error("expected a rejection");
}
