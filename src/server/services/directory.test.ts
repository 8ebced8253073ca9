import { afterEach, describe, expect, it, vi } from "vitest";
import type { Allocation, Job, Node, ServerMessage } from "../../model/index.js";
import { testJob, testNode } from "../../scheduler/fixtures.test-util.js";
import { ServiceDirectory } from "./directory.js";
import { buildServices, nodeAddress } from "./registry.js";

const task = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  driver: "exec",
  config: { command: "/bin/true" },
  ports: [{ name: "http" }, { name: "admin" }],
  ...extra,
});

function alloc(job: Job, taskName: string, id: string, node: Node, over: Partial<Allocation> = {}) {
  const spec = job.spec.tasks.find((t) => t.name === taskName);
  if (!spec) throw new Error(taskName);
  return {
    id,
    jobId: job.id,
    jobVersion: 1,
    task: taskName,
    jobType: "service",
    taskSpec: spec,
    index: 0,
    nodeId: node.id,
    status: "running",
    desiredStatus: "run",
    resources: { cpu: 100, memory: 64, disk: 0 },
    devices: [],
    priority: 50,
    exitCode: null,
    signal: null,
    reasons: [],
    restarts: 0,
    score: null,
    ports: [
      { name: "http", port: 20001 },
      { name: "admin", port: 20002 },
    ],
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...over,
  } satisfies Allocation as Allocation;
}

describe("the service registry", () => {
  const a = testNode("a", { peerAddr: "10.0.0.1:7702" });
  const b = testNode("b", { peerAddr: "[fd00::2]:7702", site: "site-b" });
  const nodes = new Map([a, b].map((n) => [n.id, n]));
  const shop = testJob({
    name: "shop",
    tasks: [
      task("web", { check: { type: "http" }, lb: { policy: "round_robin" } }),
      task("api", { service: "public" }),
      { name: "batch", driver: "exec", config: { command: "/bin/true" } },
    ],
  });
  const other = testJob({ name: "aaa", tasks: [task("x", { service: "public" })] });
  const jobs = new Map([shop, other].map((j) => [j.id, j]));

  it("forms services from running allocations with ports, by task or `service` name", () => {
    const allocs = [
      alloc(shop, "web", "w1", a, { health: "healthy" }),
      alloc(shop, "web", "w2", b, { health: "unhealthy" }),
      alloc(shop, "web", "w3", b, { health: undefined }),
      alloc(shop, "web", "w4", a, { status: "pending" }),
      alloc(shop, "web", "w5", a, { desiredStatus: "stop" }),
      alloc(shop, "web", "w6", a, { ports: undefined }),
      alloc(shop, "api", "p1", a),
      alloc(other, "x", "x1", b),
    ];
    const services = buildServices({
      allocs: () => allocs,
      job: (id) => jobs.get(id),
      node: (id) => nodes.get(id),
    });
    expect([...services.keys()]).toEqual(["public", "shop-web"]);
    const web = services.get("shop-web");
    expect(web?.policy).toBe("round_robin");
    expect(web?.endpoints.map((e) => [e.allocId, e.health, e.address])).toEqual([
      ["w1", "healthy", "10.0.0.1"],
      ["w2", "unhealthy", "fd00::2"],
      ["w3", "unknown", "fd00::2"],
    ]);
    expect(web?.endpoints[0]).toMatchObject({ port: 20001, ports: { http: 20001, admin: 20002 } });
    // Two jobs share "public": every endpoint, the policy of the first job by name ("aaa").
    const pub = services.get("public");
    expect(pub?.endpoints.map((e) => [e.allocId, e.health])).toEqual([
      ["p1", "healthy"],
      ["x1", "healthy"],
    ]);
    expect(pub?.policy).toBe("latency");
  });

  it("takes a node's address from its peer address, else its hostname", () => {
    expect(nodeAddress(a)).toBe("10.0.0.1");
    expect(nodeAddress(b)).toBe("fd00::2");
    expect(nodeAddress(testNode("c", { peerAddr: null }))).toBe("c");
  });

  describe("pushes", () => {
    afterEach(() => vi.useRealTimers());

    it("sends only changed and removed services, and the full set on request", () => {
      vi.useFakeTimers();
      let allocs = [
        alloc(shop, "web", "w1", a, { health: "healthy" }),
        alloc(shop, "api", "p1", b),
      ];
      const sent: ServerMessage[] = [];
      const session = { send: (m: ServerMessage) => sent.push(m) };
      const dir = new ServiceDirectory({
        allocs: () => allocs,
        job: (id) => jobs.get(id),
        node: (id) => nodes.get(id),
        nodeByIdOrName: (key) => nodes.get(key) ?? [...nodes.values()].find((n) => n.name === key),
        sessions: () => [[a.id, session]],
        rtt: (from, to) => (from.id === to.id ? 0 : 12.345),
      });
      dir.markDirty();
      vi.advanceTimersByTime(50);
      expect(sent).toHaveLength(1);
      const first = sent[0];
      expect(first?.type === "services" && first.services.map((s) => s.name)).toEqual([
        "public",
        "shop-web",
      ]);
      // From node a: its own endpoint at 0 ms, the other node's at the RTT between them.
      expect(first?.type === "services" && first.services[0]?.endpoints[0]?.rttMs).toBe(12.35);
      expect(first?.type === "services" && first.services[1]?.endpoints[0]).toMatchObject({
        id: "w1",
        healthy: true,
        rttMs: 0,
      });
      // Nothing changed: nothing sent.
      dir.markDirty();
      vi.advanceTimersByTime(50);
      expect(sent).toHaveLength(1);
      // One endpoint fails its check, the other service stops.
      allocs = [alloc(shop, "web", "w1", a, { health: "unhealthy" })];
      dir.markDirty();
      vi.advanceTimersByTime(50);
      expect(sent[1]).toMatchObject({ type: "services", full: false, removed: ["public"] });
      expect(sent[1]?.type === "services" && sent[1].services[0]?.endpoints[0]?.healthy).toBe(
        false,
      );
      dir.sendFull(b.id, session);
      expect(sent[2]).toMatchObject({ type: "services", full: true, removed: [] });
      expect(dir.get("shop-web", "b").endpoints[0]?.rttMs).toBe(12.35);
      expect(() => dir.get("public")).toThrow(/no service "public"/);
      expect(() => dir.list("nowhere")).toThrow(/near="nowhere": no node/);
      dir.close();
    });
  });
});
