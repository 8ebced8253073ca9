import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodeView } from "../src/model/index.js";
import { FaultProxy } from "./fault-proxy.js";
import {
  type Proc,
  startAgent,
  startServer,
  type TestServer,
  teardown,
  tempDir,
  waitFor,
  waitReady,
} from "./harness.js";

const SLOW_FOR_MS = 15_000;

describe("chaos: a slow link (500 ± 300 ms each way) is not a dead node", () => {
  let dir: string;
  let server: TestServer;
  let proxy: FaultProxy;
  const agents: Proc[] = [];

  beforeAll(async () => {
    dir = tempDir("chaos-slow-link");
    server = await startServer(`${dir}/server`);
    const { hostname, port } = new URL(server.url);
    proxy = new FaultProxy(hostname, Number(port));
    await proxy.start();
    const peer = ["--site", "s1", "--peer-listen", "127.0.0.1:0"];
    agents.push(
      startAgent({ url: proxy.url, joinToken: server.joinToken }, "slow", dir, [
        ...peer,
        "--label",
        "role=slow",
      ]),
      startAgent(server, "w1", dir, peer),
    );
    await waitReady(server, 2);
  });

  afterAll(async () => {
    await proxy?.stop();
    await teardown(agents, server, dir);
  });

  it("keeps the node ready and its work untouched", async () => {
    await server.admin.submitJob({
      name: "steady",
      constraints: [{ key: "role", op: "=", value: "slow" }],
      tasks: [
        {
          name: "run",
          driver: "exec",
          config: { command: "/bin/sh", args: ["-c", "echo started; exec sleep 600"] },
        },
      ],
    });
    const original = await waitFor("steady running", async () =>
      (await server.admin.jobAllocations("steady")).find((a) => a.status === "running"),
    );
    const first = await server.admin.getNode("slow");
    proxy.set({ kind: "delay", ms: 500, jitterMs: 300 });
    // Every status seen, and every change of statusSince (a change undone between two polls).
    const seen: Pick<NodeView, "status" | "statusSince">[] = [];
    const end = Date.now() + SLOW_FOR_MS;
    while (Date.now() < end) {
      const n = await server.admin.getNode("slow");
      seen.push({ status: n.status, statusSince: n.statusSince });
      await new Promise((r) => setTimeout(r, 250));
    }
    proxy.set({ kind: "pass" });
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((s) => s.status !== "ready")).toEqual([]);
    expect(seen.filter((s) => s.statusSince !== first.statusSince)).toEqual([]);
    expect(agents[0]?.lines.filter((l) => /session lost|stopped answering/.test(l))).toEqual([]);
    const allocs = await server.admin.jobAllocations("steady");
    expect(allocs.map((a) => [a.id, a.status, a.restarts])).toEqual([
      [original.id, "running", original.restarts],
    ]);
  });
});
