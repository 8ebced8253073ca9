import { describe, expect, it } from "vitest";
import type { AgentAlloc } from "../../model/index.js";
import { NodeSync } from "./node-sync.js";

const alloc = (id: string, desiredStatus: "run" | "stop" = "run") =>
  ({ id, desiredStatus }) as unknown as AgentAlloc;

describe("NodeSync", () => {
  it("sends the full set first, then only what changed, then nothing", () => {
    const sync = new NodeSync("e1");
    expect(sync.next("n", [alloc("a"), alloc("b")])).toMatchObject({ seq: 1, full: true });
    expect(sync.next("n", [alloc("a", "stop"), alloc("c")])).toMatchObject({
      seq: 2,
      full: false,
      allocs: [alloc("a", "stop"), alloc("c")],
      remove: ["b"],
    });
    expect(sync.next("n", [alloc("a", "stop"), alloc("c")])).toBeNull();
  });

  it("resumes a session that is in sync and resends everything otherwise", () => {
    const sync = new NodeSync("e1");
    sync.next("n", [alloc("a")]);
    expect(sync.resume("n", { epoch: "e1", seq: 1 })).toBe(true);
    expect(sync.next("n", [alloc("a")])).toBeNull();
    expect(sync.resume("n", { epoch: "e1", seq: 0 })).toBe(false);
    expect(sync.next("n", [alloc("a")])).toMatchObject({ seq: 2, full: true });
    expect(sync.resume("n", { epoch: "old", seq: 2 })).toBe(false);
  });
});
