import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Allocation } from "../src/model/index.js";
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

const service = (name: string, role: string) => ({
  name,
  disconnect: { lostAfter: "5m" },
  constraints: [{ key: "role", op: "=", value: role }],
  tasks: [
    {
      name: "run",
      driver: "exec",
      config: { command: "/bin/sh", args: ["-c", "echo started; exec sleep 600"] },
    },
  ],
});

describe("partitions: tell a cut link from a dead node, restart nothing when it heals", () => {
  let dir: string;
  let server: TestServer;
  const agents: Proc[] = [];
  const proxies: FaultProxy[] = [];

  async function agentVia(name: string, site: string, role: string): Promise<FaultProxy> {
    const { hostname, port } = new URL(server.url);
    const proxy = new FaultProxy(hostname, Number(port));
    await proxy.start();
    proxies.push(proxy);
    agents.push(
      startAgent({ url: proxy.url, joinToken: server.joinToken }, name, dir, [
        "--site",
        site,
        "--label",
        `role=${role}`,
        "--peer-listen",
        "127.0.0.1:0",
      ]),
    );
    return proxy;
  }

  const node = (name: string) => server.admin.getNode(name);
  const allocsOf = (job: string) => server.admin.jobAllocations(job);
  const running = (list: Allocation[]) => list.filter((a) => a.status === "running");

  beforeAll(async () => {
    dir = tempDir("partition");
    server = await startServer(`${dir}/server`, ["--heartbeat-grace", "3000"]);
    await agentVia("w1", "s1", "primary");
    await agentVia("w2", "s1", "witness");
    await agentVia("lone", "s2", "lonely");
    await waitReady(server, 3);
    await server.admin.submitJob(service("with-witness", "primary"));
    await server.admin.submitJob(service("alone", "lonely"));
    await waitFor("both running", async () => {
      const a = running(await allocsOf("with-witness")).length;
      const b = running(await allocsOf("alone")).length;
      return (a === 1 && b === 1) || undefined;
    });
  });

  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    await teardown(agents, server, dir);
  });

  it("a cut link with a witness in the site: disconnected, work left alone, nothing restarted on heal", async () => {
    const [before] = await allocsOf("with-witness");
    proxies[0]?.set({ kind: "cut" });
    const n = await waitFor("w1 disconnected", async () => {
      const x = await node("w1");
      return x.status === "disconnected" ? x : undefined;
    });
    expect(n.statusReason).toMatch(/peer still reaches it/);
    await waitFor(
      "its allocation unknown",
      async () => (await allocsOf("with-witness"))[0]?.status === "unknown" || undefined,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await allocsOf("with-witness")).toHaveLength(1);
    proxies[0]?.set({ kind: "pass" });
    await waitFor(
      "w1 ready again",
      async () => (await node("w1")).status === "ready" || undefined,
      30_000,
    );
    const after = await waitFor("running again", async () => {
      const list = await allocsOf("with-witness");
      return list.length === 1 && list[0]?.status === "running" ? list[0] : undefined;
    });
    expect(after.id).toBe(before?.id);
    expect(after.restarts).toBe(0);
    expect((await server.admin.allocLogs(after.id)).match(/started/g)).toHaveLength(1);
  });

  it("a black-holed link is suspected by its silence, then resumes without restarts", async () => {
    proxies[0]?.set({ kind: "blackhole" });
    await waitFor(
      "w1 disconnected",
      async () => (await node("w1")).status === "disconnected" || undefined,
    );
    proxies[0]?.set({ kind: "pass" });
    await waitFor(
      "w1 ready again",
      async () => (await node("w1")).status === "ready" || undefined,
      30_000,
    );
    const list = await waitFor("running", async () => {
      const l = await allocsOf("with-witness");
      return l[0]?.status === "running" ? l : undefined;
    });
    expect(list).toHaveLength(1);
    expect((await server.admin.allocLogs(list[0]?.id ?? "")).match(/started/g)).toHaveLength(1);
  });

  it("a node alone in its site is down after the grace period; when it returns the original is kept", async () => {
    const [original] = await allocsOf("alone");
    proxies[2]?.set({ kind: "cut" });
    await waitFor("lone down", async () => (await node("lone")).status === "down" || undefined);
    const lost = await waitFor("lost", async () => {
      const list = await allocsOf("alone");
      return list.find((a) => a.id === original?.id && a.status === "lost");
    });
    expect(lost.reasons.at(-1)).toMatch(/no witness/);
    proxies[2]?.set({ kind: "pass" });
    await waitFor(
      "lone ready",
      async () => (await node("lone")).status === "ready" || undefined,
      30_000,
    );
    const settled = await waitFor("one running, the original", async () => {
      const list = await allocsOf("alone");
      const live = list.filter(
        (a) => a.desiredStatus === "run" && (a.status === "running" || a.status === "pending"),
      );
      return live.length === 1 && live[0]?.id === original?.id && live[0]?.status === "running"
        ? list
        : undefined;
    });
    expect(settled.filter((a) => a.status === "running")).toHaveLength(1);
    expect((await server.admin.allocLogs(original?.id ?? "")).match(/started/g)).toHaveLength(1);
  });
});
