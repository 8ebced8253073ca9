import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Node, NodeStatus } from "../model/index.js";
import { testNode } from "../scheduler/fixtures.test-util.js";
import { type MonitorHost, NodeMonitor } from "./node-monitor.js";

/** A monitor over `count` nodes the store says are ready, none connected, on a manual clock. */
function fleet(count: number) {
  let now = 1_000_000;
  const nodes = new Map<string, Node>();
  for (let i = 0; i < count; i++) {
    const n = testNode(`n${i}`);
    nodes.set(n.id, n);
  }
  const host: MonitorHost = {
    clock: { now: () => now },
    logger: pino({ level: "silent" }),
    nodes: () => nodes.values(),
    unsettledNodes: () =>
      [...nodes.values()].filter((n) => n.status !== "ready" && n.status !== "down"),
    nodesInSite: (site) => [...nodes.values()].filter((n) => n.site === site),
    node: (id) => nodes.get(id),
    connected: () => false,
    dropSession: () => {},
    send: () => {},
    setNodeStatus: async (node: Node, status: NodeStatus, reason: string | null) => {
      nodes.set(node.id, { ...node, status, statusReason: reason });
    },
    allocsOn: () => [],
    putAllocs: async () => {},
    job: () => undefined,
    enqueue: () => {},
    exclusive: (fn) => fn(),
    changed: () => {},
  };
  const monitor = new NodeMonitor(host, {
    heartbeatIntervalMs: 5000,
    heartbeatGraceMs: 10_000,
    phiThreshold: 8,
    witnessTimeoutMs: 3000,
  });
  const tick = async (ms: number) => {
    now += ms;
    await (monitor as unknown as { check(): Promise<void> }).check();
  };
  const statuses = () => [...nodes.values()].map((n) => n.status);
  return { monitor, tick, statuses, nodes };
}

describe("node monitor after a server start", () => {
  it("gives the fleet a reconnect grace that grows with its size, capped", () => {
    const { monitor } = fleet(1);
    expect(monitor.restartGraceMs(3)).toBe(10_030);
    expect(monitor.restartGraceMs(10_000)).toBe(110_000);
    expect(monitor.restartGraceMs(1_000_000)).toBe(300_000);
  });

  it("does not suspect nodes that have not reconnected yet while the grace runs", async () => {
    const f = fleet(2000); // grace 10 s + 20 s
    f.monitor.start(1e9);
    f.monitor.stop();
    const [first] = [...f.nodes.keys()];
    // Silence far past the phi threshold (≈ 7 s at a 5 s interval), still inside the grace.
    await f.tick(25_000);
    expect(f.statuses().every((s) => s === "ready")).toBe(true);
    // A node that reconnected is judged by its own heartbeats from then on.
    if (first) f.monitor.seen(first);
    await f.tick(6_000);
    // Past the grace, the ones that never came back are suspected and, with no witness, down.
    expect(f.statuses().filter((s) => s === "down").length).toBe(1999);
    expect(f.nodes.get(first ?? "")?.status).toBe("ready");
  });
});

describe("node monitor ticks", () => {
  it("looks at ready nodes' silence every tenth of the heartbeat interval, not every tick", async () => {
    const f = fleet(1); // heartbeat interval 5 s: ready nodes are looked at every 500 ms
    f.monitor.start(1e9);
    f.monitor.stop();
    await f.tick(200_000); // past the restart grace, never heard of: down at the first look
    expect(f.statuses()).toEqual(["down"]);
    const [id = ""] = f.nodes.keys();
    f.nodes.set(id, { ...(f.nodes.get(id) as Node), status: "ready" });
    f.monitor.seen(id);
    await f.tick(9_900); // a look: silent 9.9 s, within the 10 s grace
    expect(f.statuses()).toEqual(["ready"]);
    await f.tick(300); // silent past the grace, but the last look was 300 ms ago
    expect(f.statuses()).toEqual(["ready"]);
    await f.tick(300); // 600 ms since the last look: looked at, suspected, no witness: down
    expect(f.statuses()).toEqual(["down"]);
  });
});
