import { describe, expect, it } from "vitest";
import type { AgentAlloc } from "../../model/index.js";
import { NodeSync } from "./node-sync.js";

const spec: AgentAlloc["taskSpec"] = {
  ...({} as AgentAlloc["taskSpec"]),
  name: "t",
  driver: "exec",
  config: { command: "/bin/true", args: ['a,"b"}'] },
};
const resources = { cpu: 100, memory: 64, disk: 0 };
const alloc = (id: string, desiredStatus: "run" | "stop" = "run"): AgentAlloc =>
  ({
    id,
    jobId: "j",
    jobName: "job",
    jobType: "service",
    task: "t",
    index: 0,
    taskSpec: spec,
    desiredStatus,
    resources,
  }) as unknown as AgentAlloc;

describe("NodeSync", () => {
  it("sends the full set first, then only what changed, then nothing", () => {
    const sync = new NodeSync("e1");
    expect(sync.next("n", [alloc("a"), alloc("b")])?.message).toMatchObject({
      seq: 1,
      full: true,
    });
    expect(sync.next("n", [alloc("a", "stop"), alloc("c")])?.message).toMatchObject({
      seq: 2,
      full: false,
      allocs: [alloc("a", "stop"), alloc("c")],
      remove: ["b"],
    });
    expect(sync.next("n", [alloc("a", "stop"), alloc("c")])).toBeNull();
  });

  it("encodes each message as the same JSON value as JSON.stringify would", () => {
    const sync = new NodeSync('e"1');
    const noSpec = { ...alloc("x"), taskSpec: undefined } as unknown as AgentAlloc;
    const messages = [
      sync.next("n", [alloc("a"), noSpec]),
      sync.next("n", [alloc("a", "stop"), { ...alloc("b"), taskSpec: { ...spec, name: "u" } }]),
      sync.next("n", []),
      sync.next("m", []),
    ];
    for (const m of messages) {
      expect(m).not.toBeNull();
      expect(JSON.parse(m?.text ?? "")).toEqual(JSON.parse(JSON.stringify(m?.message)));
    }
  });

  it("sends nothing for the same content in new objects, and a change in a new spec object", () => {
    const sync = new NodeSync("e1");
    sync.next("n", [alloc("a")]);
    const copy = structuredClone(alloc("a"));
    expect(sync.next("n", [copy])).toBeNull();
    const changed = { ...copy, taskSpec: { ...spec, config: { command: "/bin/false" } } };
    expect(sync.next("n", [changed])?.message.allocs).toEqual([changed]);
  });

  it("resumes a session that is in sync and resends everything otherwise", () => {
    const sync = new NodeSync("e1");
    sync.next("n", [alloc("a")]);
    expect(sync.resume("n", { epoch: "e1", seq: 1 })).toBe(true);
    expect(sync.next("n", [alloc("a")])).toBeNull();
    expect(sync.resume("n", { epoch: "e1", seq: 0 })).toBe(false);
    expect(sync.next("n", [alloc("a")])?.message).toMatchObject({ seq: 2, full: true });
    expect(sync.resume("n", { epoch: "old", seq: 2 })).toBe(false);
  });
});
