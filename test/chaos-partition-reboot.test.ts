import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Allocation } from "../src/model/index.js";
import { FaultProxy } from "./fault-proxy.js";
import {
  killStrays,
  type Proc,
  startAgent,
  startServer,
  stop,
  type TestServer,
  tasksUnder,
  teardown,
  tempDir,
  waitFor,
} from "./harness.js";

const live = (a: Allocation) =>
  a.desiredStatus === "run" &&
  (a.status === "pending" || a.status === "running" || a.status === "unknown");

describe("chaos: a partition across an agent reboot", () => {
  let dir: string;
  let server: TestServer;
  let proxy: FaultProxy;
  const agents: Proc[] = [];
  const peer = ["--site", "s1", "--peer-listen", "127.0.0.1:0"];
  const edge = () => startAgent({ url: proxy.url, joinToken: server.joinToken }, "edge", dir, peer);

  beforeAll(async () => {
    dir = tempDir("chaos-reboot");
    server = await startServer(`${dir}/server`);
    const { hostname, port } = new URL(server.url);
    proxy = new FaultProxy(hostname, Number(port));
    await proxy.start();
    agents.push(edge());
    await waitFor(
      "edge ready",
      async () => (await server.admin.getNode("edge")).status === "ready",
    );
  });

  afterAll(async () => {
    await proxy?.stop();
    await teardown(agents, server, dir);
  });

  it("ends with exactly one running instance and a converged server", async () => {
    // Placed on `edge` while it is alone; its witness joins afterwards.
    await server.admin.submitJob({
      name: "keeper",
      tasks: [
        {
          name: "run",
          driver: "exec",
          config: { command: "/bin/sh", args: ["-c", "echo started; exec sleep 600"] },
        },
      ],
    });
    const original = await waitFor("keeper running on edge", async () =>
      (await server.admin.jobAllocations("keeper")).find((a) => a.status === "running"),
    );
    agents.push(startAgent(server, "w1", dir, peer));
    await waitFor("w1 ready", async () => (await server.admin.getNode("w1")).status === "ready");

    proxy.set({ kind: "cut" });
    await waitFor(
      "edge disconnected",
      async () => (await server.admin.getNode("edge")).status === "disconnected" || undefined,
    );
    // The machine reboots behind the cut: agent and tasks die at once.
    await stop(agents[0] as Proc, "SIGKILL");
    killStrays(join(dir, "edge"));
    await waitFor("a replacement running on w1", async () =>
      (await server.admin.jobAllocations("keeper")).find(
        (a) => a.id !== original.id && a.status === "running",
      ),
    );
    // Back up, still cut off: it restarts its work from local state.
    agents[0] = edge();
    await waitFor("edge restarted its task offline", () => tasksUnder(join(dir, "edge")) === 1);
    proxy.set({ kind: "pass" });

    await waitFor("edge ready again", async () => {
      return (await server.admin.getNode("edge")).status === "ready" || undefined;
    });
    const settled = await waitFor("one live allocation, running", async () => {
      const list = await server.admin.jobAllocations("keeper");
      const alive = list.filter(live);
      return alive.length === 1 && alive[0]?.status === "running" ? list : undefined;
    });
    expect(settled.filter((a) => a.status === "running")).toHaveLength(1);
    // The agents agree: the other copy is really stopped, whichever the policy kept.
    await waitFor("one task process in the cluster", () => tasksUnder(dir) === 1 || undefined);
    const kept = settled.find((a) => a.status === "running") as Allocation;
    expect((await server.admin.getJob("keeper")).status).toBe("running");
    const node = await server.admin.getNode(kept.nodeId ?? "");
    expect(node.status).toBe("ready");
  });
});
