import { describe, expect, it } from "vitest";
import type { AgentAlloc } from "../model/index.js";
import { DesiredState } from "./desired-state.js";

const a = (id: string) => ({ id }) as unknown as AgentAlloc;
const msg = (seq: number, full: boolean, allocs: AgentAlloc[], remove: string[] = []) => ({
  type: "allocs" as const,
  epoch: "e",
  seq,
  full,
  allocs,
  remove,
});

describe("DesiredState", () => {
  it("applies a full set, then deltas in order, ignoring repeats", () => {
    const d = new DesiredState();
    expect(d.apply(msg(1, true, [a("x"), a("y")]))).toBe("applied");
    expect(d.apply(msg(2, false, [a("z")], ["x"]))).toBe("applied");
    expect(d.apply(msg(2, false, [a("z")], ["x"]))).toBe("duplicate");
    expect(
      d
        .list()
        .map((x) => x.id)
        .sort(),
    ).toEqual(["y", "z"]);
    expect(d.at).toEqual({ epoch: "e", seq: 2 });
  });

  it("asks for a resync when a delta is missing or from another epoch", () => {
    const d = new DesiredState([a("x")], { epoch: "e", seq: 5 });
    expect(d.apply(msg(7, false, [a("y")]))).toBe("resync");
    expect(d.apply({ ...msg(6, false, []), epoch: "other" })).toBe("resync");
    expect(d.list().map((x) => x.id)).toEqual(["x"]);
    expect(d.apply(msg(1, true, [a("q")]))).toBe("applied");
    expect(d.list().map((x) => x.id)).toEqual(["q"]);
  });
});
