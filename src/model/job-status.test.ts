import { describe, expect, it } from "vitest";
import type { Allocation, AllocStatus, Job } from "./index.js";
import { deriveJobStatus, summarizeJob } from "./job-status.js";

const job = (type: Job["type"], counts: Record<string, number>, stopped = false): Job =>
  ({
    id: "j",
    name: "j",
    version: 1,
    type,
    stopped,
    status: "pending",
    spec: { tasks: Object.entries(counts).map(([name, count]) => ({ name, count })) },
  }) as unknown as Job;

const alloc = (
  task: string,
  index: number,
  status: AllocStatus,
  createdAt: string,
  over: Partial<Allocation> = {},
): Allocation =>
  ({
    id: `${task}-${index}-${createdAt}`,
    jobId: "j",
    task,
    index,
    status,
    desiredStatus: "run",
    nodeId: status === "pending" ? null : "n1",
    createdAt,
    ...over,
  }) as unknown as Allocation;

const T1 = "2026-01-01T00:00:01.000Z";
const T2 = "2026-01-01T00:00:02.000Z";

describe("deriveJobStatus", () => {
  it("lets a rescheduled instance supersede its failure, per task and index", () => {
    const batch = job("batch", { a: 2, b: 1 });
    const failedThenRunning = [
      alloc("a", 0, "running", T2),
      alloc("a", 0, "failed", T1),
      alloc("a", 1, "complete", T1),
      alloc("b", 0, "complete", T1),
    ];
    expect(deriveJobStatus(batch, failedThenRunning)).toBe("running");
    // The same failure, not replaced: a batch job with a failed instance has failed.
    expect(deriveJobStatus(batch, failedThenRunning.slice(1))).toBe("failed");
    const allDone = [...failedThenRunning.slice(1), alloc("a", 0, "complete", T2)];
    expect(deriveJobStatus(batch, allDone)).toBe("complete");
    // Index 1 of task b is a different instance from index 1 of task a.
    expect(deriveJobStatus(job("batch", { a: 2, b: 2 }), allDone)).toBe("pending");
  });

  it("keeps a service running beside a failure, and pending, dead as they are", () => {
    const service = job("service", { web: 2 });
    expect(
      deriveJobStatus(service, [alloc("web", 0, "running", T1), alloc("web", 1, "failed", T1)]),
    ).toBe("running");
    expect(deriveJobStatus(service, [alloc("web", 0, "failed", T1)])).toBe("failed");
    expect(deriveJobStatus(service, [alloc("web", 0, "pending", T1)])).toBe("pending");
    expect(deriveJobStatus(job("service", { web: 1 }, true), [])).toBe("dead");
    // Stopped and lost instances do not count; one told to stop neither.
    const gone = [
      alloc("web", 0, "lost", T1),
      alloc("web", 1, "running", T1, { desiredStatus: "stop" }),
    ];
    expect(deriveJobStatus(service, gone)).toBe("pending");
  });
});

describe("summarizeJob", () => {
  it("counts the newest allocation of each instance", () => {
    const summary = summarizeJob(job("batch", { a: 2, b: 1 }), [
      alloc("a", 0, "failed", T1),
      alloc("a", 0, "running", T2),
      alloc("a", 1, "pending", T1),
      alloc("b", 0, "running", T1),
    ]);
    expect(summary.allocations).toEqual({ running: 2, pending: 1 });
    expect(summary).toMatchObject({ wanted: 3, placed: 2, unplaced: 1 });
  });
});
