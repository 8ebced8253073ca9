import { describe, expect, it } from "vitest";
import type { AgentAlloc } from "../../model/index.js";
import { seededRandom } from "../../scheduler/random.js";
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

  it("keeps an agent that applies every message equal to the desired set, change after change", () => {
    const sync = new NodeSync("e1");
    const random = seededRandom(7);
    const objects = new Map<string, AgentAlloc>();
    const agent = new Map<string, string>();
    let removals = 0;
    let quiet = 0;
    for (let step = 0; step < 300; step++) {
      // Each id is absent, running or stopping; some steps hand in new objects of equal content.
      const desired: AgentAlloc[] = [];
      for (const id of ["a", "b", "c", "d", "e"]) {
        const r = random();
        if (r < 0.3) continue;
        const status = r < 0.8 ? "run" : "stop";
        let a = objects.get(id);
        if (!a || a.desiredStatus !== status || random() < 0.2) a = alloc(id, status);
        objects.set(id, a);
        desired.push(a);
      }
      const m = sync.next("n", desired)?.message;
      if (m?.full) agent.clear();
      for (const a of m?.allocs ?? []) agent.set(a.id, a.desiredStatus);
      for (const id of m?.remove ?? []) agent.delete(id);
      expect(Object.fromEntries(agent)).toEqual(
        Object.fromEntries(desired.map((a) => [a.id, a.desiredStatus])),
      );
      // A message only when something changed for the agent.
      if (m) expect(m.allocs.length + m.remove.length).toBeGreaterThan(step === 0 ? -1 : 0);
      if (m?.remove.length) removals++;
      if (!m) quiet++;
    }
    // The sequence did exercise removals and pushes with nothing to send.
    expect(removals).toBeGreaterThan(10);
    expect(quiet).toBeGreaterThan(3);
  });
});
