import { type Job, type Node, validateJobSpec } from "../model/index.js";

let counter = 0;

export function testNode(name: string, over: Partial<Node> = {}): Node {
  const site = over.site ?? "site-a";
  return {
    id: `node-${name}`,
    name,
    site,
    status: "ready",
    eligible: true,
    labels: { "brink/site": site, "brink/arch": "amd64", ...(over.labels ?? {}) },
    resources: { cpu: 4000, memory: 8192, disk: 100_000 },
    drivers: ["exec"],
    attributes: { arch: "amd64", os: "linux", kernel: "6", hostname: name, cpuModel: "x" },
    gpus: [],
    createdAt: "2026-01-01T00:00:00.000Z",
    lastHeartbeat: null,
    statusReason: null,
    ...over,
  };
}

export function testJob(spec: unknown, version = 1): Job {
  const parsed = validateJobSpec(spec);
  return {
    id: `job-${parsed.name}`,
    name: parsed.name,
    version,
    type: parsed.type,
    priority: parsed.priority,
    status: "pending",
    stopped: false,
    spec: parsed,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

export function ids(): () => string {
  return () => `alloc-${++counter}`;
}
