import { describe, expect, it } from "vitest";
import type { AgentMessage } from "../model/index.js";
import { ReportBatcher } from "./report-batcher.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("ReportBatcher", () => {
  it("sends reports made in one moment as one numbered message, in order", async () => {
    const sent: AgentMessage[] = [];
    const b = new ReportBatcher((m) => sent.push(m));
    b.push({ allocId: "a", status: "running" });
    b.push({ allocId: "b", status: "running" });
    b.push({ allocId: "a", status: "complete" });
    expect(sent).toEqual([]);
    await tick();
    expect(sent).toEqual([
      {
        type: "alloc-statuses",
        seq: 1,
        reports: [
          { allocId: "a", status: "running" },
          { allocId: "b", status: "running" },
          { allocId: "a", status: "complete" },
        ],
      },
    ]);
    b.push({ allocId: "c", status: "failed" });
    await tick();
    expect(sent[1]).toEqual({
      type: "alloc-status",
      seq: 2,
      report: { allocId: "c", status: "failed" },
    });
  });

  it("splits a very large moment into messages of at most 1000 reports", async () => {
    const sent: AgentMessage[] = [];
    const b = new ReportBatcher((m) => sent.push(m));
    for (let i = 0; i < 2500; i++) b.push({ allocId: `x${i}`, status: "running" });
    await tick();
    const sizes = sent.map((m) => (m.type === "alloc-statuses" ? m.reports.length : 1));
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(sent.map((m) => (m.type === "alloc-statuses" ? m.seq : 0))).toEqual([1, 2, 3]);
  });
});
