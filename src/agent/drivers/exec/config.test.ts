import { describe, expect, it } from "vitest";
import { parseExecConfig } from "./config.js";

describe("parseExecConfig", () => {
  it("accepts a command with optional args", () => {
    expect(parseExecConfig({ command: "sh" })).toEqual({ command: "sh", args: [] });
    expect(parseExecConfig({ command: "sh", args: ["-c", "x"] })).toEqual({
      command: "sh",
      args: ["-c", "x"],
    });
  });

  it("names every problem in one clear error", () => {
    expect(() => parseExecConfig({ command: "", args: [1] })).toThrow(
      /invalid exec config: config\.command: must be a non-empty string; config\.args: must be a list of strings/,
    );
    expect(() => parseExecConfig({ command: "sh", extra: true })).toThrow(/unknown field "extra"/);
  });
});
