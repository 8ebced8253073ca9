import { type Job, type JobSpecInput, validateJobSpec } from "../../src/model/index.js";
import type { Random } from "../../src/scheduler/random.js";
import { pick, pickWeighted, SITE_COUNT, siteName, TIERS, ZONES } from "./cluster.js";

/** The kinds of job in the throughput mix, with their share of jobs. */
export const KINDS = [
  { kind: "plain", weight: 35 },
  { kind: "constrained", weight: 20 },
  { kind: "affinity", weight: 20 },
  { kind: "spread", weight: 20 },
  { kind: "gpu", weight: 5 },
] as const;
export type JobKind = (typeof KINDS)[number]["kind"];

const between = (random: Random, lo: number, hi: number, step = 1) =>
  lo + step * Math.floor(random() * (Math.floor((hi - lo) / step) + 1));

export function makeJob(spec: JobSpecInput, createdAt: string): Job {
  const parsed = validateJobSpec(spec);
  return {
    id: `job-${parsed.name}`,
    name: parsed.name,
    version: 1,
    type: parsed.type,
    priority: parsed.priority,
    status: "pending",
    stopped: false,
    spec: parsed,
    createdAt,
    updatedAt: createdAt,
  };
}

function constraintFor(random: Random) {
  const r = random();
  if (r < 0.3) return [{ key: "tier", op: "in" as const, values: ["edge", "gateway"] }];
  if (r < 0.55) return [{ key: "zone", op: "=" as const, value: pick(random, ZONES) }];
  if (r < 0.75) return [{ key: "brink/arch", op: "=" as const, value: "amd64" }];
  const first = Math.floor(random() * (SITE_COUNT - 5));
  const sites = [0, 1, 2, 3, 4].map((k) => siteName(first + k));
  return [{ key: "brink/site", op: "in" as const, values: sites }];
}

/** One job of the given kind, `count` instances of a small service task. */
export function jobSpec(kind: JobKind, name: string, count: number, random: Random): JobSpecInput {
  const task = {
    name: "main",
    driver: "exec",
    config: { command: "/usr/bin/app" },
    count,
    resources: { cpu: between(random, 25, 200, 25), memory: between(random, 64, 512, 64) },
  };
  const spec: JobSpecInput = {
    name,
    priority: 50,
    scheduling: { algorithm: random() < 0.8 ? "binpack" : "spread" },
    tasks: [task],
  };
  switch (kind) {
    case "constrained":
      spec.constraints = constraintFor(random);
      break;
    case "affinity":
      spec.affinities = [
        { key: "tier", op: "=", value: pick(random, TIERS), weight: 60 },
        { key: "zone", op: "=", value: pick(random, ZONES), weight: -30 },
      ];
      break;
    case "spread":
      spec.spread = [{ key: "brink/site", weight: 80 }];
      break;
    case "gpu":
      task.resources = { ...task.resources, cpu: 500, memory: 2_048 };
      Object.assign(task.resources, {
        gpu: { count: 1, model: random() < 0.5 ? "T4" : "A100|T4" },
      });
      break;
    case "plain":
      break;
  }
  return spec;
}

export interface Workload {
  jobs: Job[];
  /** Instances asked for in all. */
  instances: number;
  byKind: Record<JobKind, number>;
}

/**
 * Jobs of 50–500 instances, in the KINDS mix, until `placements` instances are asked for. GPU jobs
 * (smaller: 10–40 instances) only while they use under half of the cluster's GPUs, so the run
 * measures placing work, not walking a full cluster for work that cannot fit.
 */
export function makeWorkload(placements: number, gpus: number, random: Random): Workload {
  const jobs: Job[] = [];
  const byKind = { plain: 0, constrained: 0, affinity: 0, spread: 0, gpu: 0 };
  let instances = 0;
  let gpuLeft = Math.floor(gpus * 0.5);
  while (instances < placements) {
    let kind: JobKind = pickWeighted(random, KINDS).kind;
    let count = between(random, 50, 500);
    if (kind === "gpu") {
      count = between(random, 10, 40);
      if (count > gpuLeft) kind = "plain";
      else gpuLeft -= count;
    }
    count = Math.min(count, placements - instances);
    const name = `${kind}-${jobs.length}`;
    jobs.push(makeJob(jobSpec(kind, name, count, random), "2026-01-01T00:00:00.000Z"));
    byKind[kind] += count;
    instances += count;
  }
  return { jobs, instances, byKind };
}
