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

  it("accepts an acknowledgement alone or carried by a report or heartbeat", () => {
    const ack = { epoch: "e1", seq: 4 };
    expect(parseAgentMessage(text({ type: "ack", ...ack }))).toEqual({ type: "ack", ...ack });
    const report = { type: "alloc-status", report: { allocId: "a", status: "running" }, ack };
    expect(parseAgentMessage(text(report))).toEqual(report);
    expect(parseAgentMessage(text({ type: "heartbeat", ack }))).toEqual({ type: "heartbeat", ack });
    expect(parseAgentMessage(text({ type: "heartbeat", ack: { seq: "x" } }))).toBe(undefined);
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
