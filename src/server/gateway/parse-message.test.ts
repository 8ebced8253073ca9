import { describe, expect, it } from "vitest";
import { MAX_REPORTS_PER_MESSAGE, parseAgentMessage } from "./parse-message.js";

const text = (v: unknown) => Buffer.from(JSON.stringify(v));

describe("parseAgentMessage", () => {
  it("accepts one report and several reports in one message", () => {
    const report = { allocId: "a", status: "running", restarts: 0 };
    expect(parseAgentMessage(text({ type: "alloc-status", report, seq: 3 }))).toEqual({
      type: "alloc-status",
      report,
      seq: 3,
    });
    const many = { type: "alloc-statuses", reports: [report, { allocId: "b", status: "failed" }] };
    expect(parseAgentMessage(text(many))).toEqual(many);
  });

  it("drops malformed reports and oversized batches", () => {
    expect(parseAgentMessage(text({ type: "alloc-statuses", reports: [{ allocId: 1 }] }))).toBe(
      undefined,
    );
    expect(
      parseAgentMessage(text({ type: "alloc-status", report: { allocId: "a", status: "lost" } })),
    ).toBe(undefined);
    const reports = Array.from({ length: MAX_REPORTS_PER_MESSAGE + 1 }, (_, i) => ({
      allocId: `x${i}`,
      status: "running",
    }));
    expect(parseAgentMessage(text({ type: "alloc-statuses", reports }))).toBe(undefined);
    expect(parseAgentMessage(Buffer.from("{not json"))).toBe(undefined);
  });
});
