import { describe, expect, it } from "vitest";
import type { Allocation } from "./allocation.js";
import { eventMatches, parseEventTypes, typeSelected } from "./event.js";
import { allocEvents, blockedEvent, jobEvents, nodeEvents } from "./event-derive.js";
import type { Job } from "./job.js";
import type { Node } from "./node.js";

const node = (over: Partial<Node> = {}): Node => ({
  id: "n1",
  name: "edge-1",
  site: "plant",
  status: "initializing",
  eligible: true,
  labels: {},
  resources: { cpu: 1000, memory: 1024, disk: 1000 },
  drivers: ["exec"],
  attributes: { arch: "x64", os: "linux", kernel: "6", hostname: "h", cpuModel: "c" },
  gpus: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  lastHeartbeat: null,
  statusReason: null,
  ...over,
});

const job = (over: Partial<Job> = {}): Job =>
  ({
    id: "j1",
    name: "web",
    version: 1,
    type: "service",
    priority: 50,
    status: "pending",
    stopped: false,
    spec: {} as Job["spec"],
    createdAt: "t",
    updatedAt: "t",
    ...over,
  }) as Job;

const alloc = (over: Partial<Allocation> = {}): Allocation =>
  ({
    id: "a1",
    jobId: "j1",
    jobVersion: 1,
    task: "api",
    jobType: "service",
    taskSpec: {} as Allocation["taskSpec"],
    index: 0,
    nodeId: null,
    status: "pending",
    desiredStatus: "run",
    resources: { cpu: 1, memory: 1, disk: 0 },
    devices: [],
    priority: 50,
    exitCode: null,
    signal: null,
    reasons: [],
    restarts: 0,
    score: null,
    createdAt: "t",
    updatedAt: "t",
    ...over,
  }) as Allocation;

const names = {
  nodeName: (id: string) => (id === "n1" ? "edge-1" : undefined),
  jobName: () => "web",
};
const types = (es: { type: string }[]) => es.map((e) => e.type);

describe("event types and filters", () => {
  it("parses type lists with groups and refuses unknown types, naming them", () => {
    expect(parseEventTypes("node.down, alloc.*,job")).toStrictEqual([
      "node.down",
      "alloc.*",
      "job.*",
    ]);
    expect(() => parseEventTypes("node.exploded")).toThrow('unknown event type "node.exploded"');
    expect(() => parseEventTypes("nope")).toThrow('unknown event type "nope"');
    expect(typeSelected("alloc.failed", ["alloc.*"])).toBe(true);
    expect(typeSelected("allocx.failed", ["alloc.*"])).toBe(false);
    expect(typeSelected("node.down", [])).toBe(true);
  });

  it("matches on since, ids and names together", () => {
    const e = {
      id: 5,
      time: "t",
      type: "alloc.placed" as const,
      message: "m",
      node: "n1",
      nodeName: "edge-1",
      job: "j1",
      jobName: "web",
    };
    expect(eventMatches(e, { since: 4, node: "n1", jobName: "web", types: ["alloc.*"] })).toBe(
      true,
    );
    expect(eventMatches(e, { since: 5 })).toBe(false);
    expect(eventMatches(e, { job: "j2" })).toBe(false);
    expect(eventMatches(e, { nodeName: "edge-2" })).toBe(false);
  });
});

describe("events derived from node changes", () => {
  it("reports registration, each health status with its reason, drains and eligibility", () => {
    expect(types(nodeEvents(undefined, node()))).toStrictEqual(["node.registered"]);
    expect(types(nodeEvents(node(), node({ status: "ready" })))).toStrictEqual(["node.ready"]);
    const down = nodeEvents(
      node({ status: "suspect" }),
      node({ status: "down", statusReason: "no witness reaches it" }),
    );
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({ type: "node.down", severity: "error", nodeName: "edge-1" });
    expect(down[0]?.message).toContain("no witness reaches it");
    expect(nodeEvents(node({ status: "ready" }), node({ status: "ready" }))).toStrictEqual([]);
    const drain = { startedAt: "s", deadline: "d" };
    expect(types(nodeEvents(node(), node({ drain, eligible: false })))).toStrictEqual([
      "node.drain",
      "node.eligibility",
    ]);
    const done = nodeEvents(
      node({ drain, eligible: false }),
      node({ drain: null, eligible: false }),
    );
    expect(done.map((e) => e.details?.phase)).toStrictEqual(["complete"]);
  });
});

describe("events derived from job changes", () => {
  it("reports submissions, new versions, stops and outcomes", () => {
    expect(types(jobEvents(undefined, job()))).toStrictEqual(["job.submitted"]);
    expect(types(jobEvents(job(), job({ version: 2 })))).toStrictEqual(["job.updated"]);
    expect(types(jobEvents(job(), job({ stopped: true, status: "dead" })))).toStrictEqual([
      "job.stopped",
    ]);
    expect(types(jobEvents(job({ status: "running" }), job({ status: "failed" })))).toStrictEqual([
      "job.failed",
    ]);
    expect(types(jobEvents(job({ status: "running" }), job({ status: "complete" })))).toStrictEqual(
      ["job.complete"],
    );
    expect(jobEvents(job(), job({ status: "running" }))).toStrictEqual([]);
  });
});

describe("events derived from allocation changes", () => {
  it("reports placement, status changes, stops and preemption once each", () => {
    expect(allocEvents(undefined, alloc(), names)).toStrictEqual([]);
    const placed = allocEvents(undefined, alloc({ nodeId: "n1" }), names);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({
      type: "alloc.placed",
      node: "n1",
      nodeName: "edge-1",
      jobName: "web",
      alloc: "a1",
    });
    expect(placed[0]?.message).toBe("web.api[0] placed on edge-1");
    expect(types(allocEvents(alloc(), alloc({ nodeId: "n1" }), names))).toStrictEqual([
      "alloc.placed",
    ]);
    const on = alloc({ nodeId: "n1" });
    expect(types(allocEvents(on, { ...on, status: "running" }, names))).toStrictEqual([
      "alloc.running",
    ]);
    const failed = allocEvents(
      { ...on, status: "running" },
      { ...on, status: "failed", exitCode: 3, reasons: ["exit 3"] },
      names,
    );
    expect(failed[0]).toMatchObject({
      type: "alloc.failed",
      severity: "error",
      details: { exitCode: 3, reason: "exit 3" },
    });
    const stop = {
      ...on,
      status: "running" as const,
      desiredStatus: "stop" as const,
      reasons: ["job stopped"],
    };
    expect(types(allocEvents({ ...on, status: "running" }, stop, names))).toStrictEqual([
      "alloc.stopped",
    ]);
    // The agent confirming the stop is not a second event.
    expect(allocEvents(stop, { ...stop, status: "stopped" }, names)).toStrictEqual([]);
    expect(types(allocEvents({ ...on, status: "running" }, stop, names, true))).toStrictEqual([
      "alloc.preempted",
    ]);
    const replacement = alloc({ id: "a2", nodeId: "n1", previousAllocId: "a1" });
    expect(types(allocEvents(undefined, replacement, names))).toStrictEqual([
      "alloc.rescheduled",
      "alloc.placed",
    ]);
    expect(types(allocEvents(on, { ...on, status: "lost" }, names))).toStrictEqual(["alloc.lost"]);
  });

  it("eval.blocked names the tasks and the reasons", () => {
    const e = blockedEvent(job(), { api: ["no node with driver wasm"] });
    expect(e).toMatchObject({
      type: "eval.blocked",
      severity: "warning",
      job: "j1",
      jobName: "web",
    });
    expect(e.message).toContain("api cannot be placed: no node with driver wasm");
  });
});
