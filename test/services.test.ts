import { readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../src/client/index.js";
import type { Allocation } from "../src/model/index.js";
import {
  type Proc,
  startAgent,
  startBrink,
  startServer,
  stop,
  type TestServer,
  teardown,
  tempDir,
  waitFor,
  waitReady,
} from "./harness.js";

const ECHO = join(import.meta.dirname, "fixtures", "echo-service.mjs");

interface Echo {
  alloc: string;
  index: number;
  path: string;
  body: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

/** The address an agent's load balancer listens on, from its log. */
function lbAddr(agent: Proc): string | undefined {
  for (const line of agent.lines) {
    if (!line.startsWith("{")) continue;
    const rec = JSON.parse(line) as { msg?: string; lb?: string };
    if (rec.msg === "load balancer open" && rec.lb) return rec.lb;
  }
  return undefined;
}

function echoTask(extra: Record<string, unknown>) {
  return {
    name: "web",
    driver: "exec",
    config: { command: process.execPath, args: [ECHO] },
    resources: { cpu: 10, memory: 64 },
    ports: [{ name: "http" }],
    ...extra,
  };
}

describe("services and the agents' load balancers", () => {
  let dir: string;
  let server: TestServer;
  const agents: Proc[] = [];
  let lb: string;

  /** A request through edge-1's load balancer. */
  async function viaLb(path: string, init?: RequestInit): Promise<{ status: number; echo: Echo }> {
    const res = await fetch(`http://${lb}${path}`, init);
    const text = await res.text();
    return { status: res.status, echo: (res.status === 200 ? JSON.parse(text) : {}) as Echo };
  }

  async function serviceUp(name: string, healthy: number) {
    return waitFor(`${healthy} healthy endpoints of ${name}`, async () => {
      const s = await server.admin.getService(name).catch(() => undefined);
      const up = s?.endpoints.filter((e) => e.health === "healthy") ?? [];
      return up.length === healthy ? s : undefined;
    });
  }

  /** Waits until edge-1's load balancer has `n` healthy endpoints of the service. */
  async function lbKnows(name: string, n: number) {
    await waitFor(`the load balancer to know ${n} endpoints of ${name}`, async () => {
      const res = await fetch(`http://${lb}/_brink/services`);
      const list = (await res.json()) as Array<{
        name: string;
        endpoints: Array<{ healthy: boolean }>;
      }>;
      const s = list.find((x) => x.name === name);
      return s && s.endpoints.filter((e) => e.healthy).length === n ? true : undefined;
    });
  }

  /**
   * Waits until `count` allocations of the job run and answer on their port (a task without a
   * check is an endpoint as soon as it runs, before it listens: here that would make the load
   * balancer eject it before the test begins).
   */
  async function running(job: string, count: number): Promise<Allocation[]> {
    const list = await waitFor(`${count} running allocations of ${job}`, async () => {
      const list = (await server.admin.jobAllocations(job)).filter(
        (a) => a.status === "running" && a.ports?.length,
      );
      return list.length === count ? list : undefined;
    });
    for (const a of list)
      await waitFor(`${a.id} to listen`, async () => {
        const res = await fetch(`http://127.0.0.1:${a.ports?.[0]?.port}/health`);
        return res.ok || undefined;
      });
    return list;
  }

  async function stopJob(job: string) {
    await server.admin.stopJob(job);
    await waitFor(
      `${job} stopped`,
      async () =>
        (await server.admin.jobAllocations(job)).every((a) => a.status === "stopped") || undefined,
    );
  }

  beforeAll(async () => {
    dir = tempDir("services");
    server = await startServer(`${dir}/server`);
    for (const name of ["edge-1", "edge-2"])
      agents.push(startAgent(server, name, dir, ["--site", "s1", "--peer-listen", "127.0.0.1:0"]));
    await waitReady(server, 2);
    lb = await waitFor("edge-1's load balancer", () => lbAddr(agents[0] as Proc));
  });

  afterAll(async () => {
    await teardown(agents, server, dir);
  });

  it("lists healthy endpoints nearest first, drops failing ones and forgets stopped ones", async () => {
    await server.admin.submitJob({
      name: "shop",
      distinctHosts: true,
      tasks: [
        echoTask({
          count: 2,
          check: { type: "http", path: "/health", interval: "300ms", timeout: "1s" },
        }),
      ],
    });
    const allocs = await running("shop", 2);
    const service = await serviceUp("shop-web", 2);
    expect(service.policy).toBe("latency");
    for (const e of service.endpoints) {
      const alloc = allocs.find((a) => a.id === e.allocId);
      expect(alloc?.ports?.[0]).toMatchObject({ name: "http", port: e.port });
      expect(e).toMatchObject({ address: "127.0.0.1", ports: { http: e.port }, health: "healthy" });
    }
    // Nearest first: from each node, its own endpoint (RTT 0) leads.
    for (const node of ["edge-1", "edge-2"]) {
      const near = await server.admin.getService("shop-web", node);
      expect(near.endpoints[0]?.node).toBe(node);
      expect(near.endpoints[0]?.rttMs).toBe(0);
    }
    // The CLI shows the same, nearest first.
    const token = readFileSync(join(dir, "server", "admin.token"), "utf8").trim();
    const cli = startBrink(["service", "show", "shop-web", "--near", "edge-2"], {
      BRINK_ADDR: server.url,
      BRINK_TOKEN: token,
    });
    expect(await cli.exited).toBe(0);
    expect(cli.lines[0]).toBe("shop-web  policy latency");
    expect(cli.lines[2]).toMatch(/^edge-2\s+127\.0\.0\.1:\d+\s+healthy\s+0\s/);

    // Through the load balancer: the rest of the path and the query reach the task.
    await lbKnows("shop-web", 2);
    const { status, echo } = await viaLb("/shop-web/orders/7?full=1");
    expect(status).toBe(200);
    expect(echo.path).toBe("/orders/7?full=1");
    const posted = await viaLb("/shop-web/orders", { method: "POST", body: "one pizza" });
    expect(posted.echo.body).toBe("one pizza");

    // A failing check takes the endpoint out (API and load balancer); passing again brings it back.
    const sick = service.endpoints[0];
    await fetch(`http://127.0.0.1:${sick?.port}/fail`);
    await waitFor("the endpoint unhealthy", async () => {
      const s = await server.admin.getService("shop-web");
      return (
        s.endpoints.find((e) => e.allocId === sick?.allocId)?.health === "unhealthy" || undefined
      );
    });
    await lbKnows("shop-web", 1);
    for (let i = 0; i < 10; i++)
      expect((await viaLb("/shop-web/")).echo.alloc).not.toBe(sick?.allocId);
    await fetch(`http://127.0.0.1:${sick?.port}/recover`);
    await serviceUp("shop-web", 2);
    await lbKnows("shop-web", 2);

    // Stopping the job ends the service everywhere.
    await stopJob("shop");
    const gone = await server.admin.getService("shop-web").catch((err: unknown) => err);
    expect(gone).toBeInstanceOf(ApiError);
    expect((gone as ApiError).code).toBe("SERVICE_NOT_FOUND");
    await waitFor(
      "the load balancer to forget shop-web",
      async () => (await fetch(`http://${lb}/shop-web/`)).status === 404 || undefined,
    );
  });

  it("round_robin takes endpoints in turn", async () => {
    await server.admin.submitJob({
      name: "rr",
      tasks: [echoTask({ count: 3, lb: { policy: "round_robin" } })],
    });
    await running("rr", 3);
    await lbKnows("rr-web", 3);
    const seen = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const { echo } = await viaLb("/rr-web/");
      seen.set(echo.alloc, (seen.get(echo.alloc) ?? 0) + 1);
    }
    expect([...seen.values()]).toEqual([10, 10, 10]);
    await stopJob("rr");
  });

  it("least_requests avoids the endpoint busy with a request", async () => {
    await server.admin.submitJob({
      name: "least",
      tasks: [echoTask({ count: 2, lb: { policy: "least_requests" } })],
    });
    await running("least", 2);
    await lbKnows("least-web", 2);
    const hold = new AbortController();
    const slow = fetch(`http://${lb}/least-web/slow?ms=600000`, { signal: hold.signal }).catch(
      () => undefined,
    );
    await waitFor("the slow request in flight", async () => {
      const res = await fetch(`http://${lb}/_brink/services`);
      const list = (await res.json()) as Array<{
        name: string;
        endpoints: Array<{ inflight: number }>;
      }>;
      return (
        list.find((s) => s.name === "least-web")?.endpoints.some((e) => e.inflight === 1) ||
        undefined
      );
    });
    const answered = new Set<string>();
    for (let i = 0; i < 10; i++) answered.add((await viaLb("/least-web/")).echo.alloc);
    expect(answered.size).toBe(1);
    hold.abort();
    await slow;
    await stopJob("least");
  });

  it("consistent_hash keeps a header value on one endpoint", async () => {
    await server.admin.submitJob({
      name: "sticky",
      tasks: [echoTask({ count: 3, lb: { policy: "consistent_hash", hashHeader: "X-User" } })],
    });
    await running("sticky", 3);
    await lbKnows("sticky-web", 3);
    const used = new Set<string>();
    for (let u = 0; u < 20; u++) {
      const first = (await viaLb("/sticky-web/", { headers: { "x-user": `user-${u}` } })).echo
        .alloc;
      for (let i = 0; i < 3; i++) {
        const again = await viaLb("/sticky-web/", { headers: { "x-user": `user-${u}` } });
        expect(again.echo.alloc).toBe(first);
      }
      used.add(first);
    }
    expect(used.size).toBeGreaterThan(1);
    await stopJob("sticky");
  });

  it("latency prefers the endpoint that answers fastest", async () => {
    await server.admin.submitJob({
      name: "fast",
      tasks: [echoTask({ count: 2, env: { ECHO_DELAYS: "0,80" } })],
    });
    await running("fast", 2);
    await lbKnows("fast-web", 2);
    const byIndex = [0, 0];
    for (let i = 0; i < 40; i++) {
      const { echo } = await viaLb("/fast-web/");
      byIndex[echo.index] = (byIndex[echo.index] ?? 0) + 1;
    }
    expect(byIndex[0]).toBeGreaterThanOrEqual(30);
    await stopJob("fast");
  });

  it("retries a refused connection on another endpoint, ejects the endpoint and takes it back", async () => {
    await server.admin.submitJob({
      name: "retry",
      tasks: [echoTask({ count: 2, lb: { policy: "round_robin" } })],
    });
    const allocs = await running("retry", 2);
    await lbKnows("retry-web", 2);
    const down = allocs[0] as Allocation;
    // It stops listening for 3 s but stays registered (no check): only the load balancer notices.
    await fetch(`http://127.0.0.1:${down.ports?.[0]?.port}/close?ms=3000`);
    await waitFor("the replica to refuse connections", () =>
      fetch(`http://127.0.0.1:${down.ports?.[0]?.port}/`).then(
        () => undefined,
        () => true,
      ),
    );
    for (let i = 0; i < 6; i++) {
      const { status, echo } = await viaLb("/retry-web/");
      expect(status).toBe(200);
      expect(echo.alloc).not.toBe(down.id);
    }
    const res = await fetch(`http://${lb}/_brink/services`);
    const list = (await res.json()) as Array<{
      name: string;
      endpoints: Array<{ id: string; failures: number }>;
    }>;
    const stats = list.find((s) => s.name === "retry-web")?.endpoints.find((e) => e.id === down.id);
    expect(stats?.failures).toBeGreaterThanOrEqual(1);
    await waitFor("traffic to reach the endpoint again", async () => {
      const { status, echo } = await viaLb("/retry-web/");
      expect(status).toBe(200);
      return echo.alloc === down.id || undefined;
    });
    await stopJob("retry");
  });

  it("takes a replica out as soon as its process exits, and back once it is restarted", async () => {
    await server.admin.submitJob({
      name: "crashy",
      tasks: [echoTask({ count: 2, restart: { attempts: 3, delay: "3s" } })],
    });
    const allocs = await running("crashy", 2);
    await lbKnows("crashy-web", 2);
    const victim = allocs[0] as Allocation;
    await fetch(`http://127.0.0.1:${victim.ports?.[0]?.port}/exit`);
    // No check: the agent says it is down when its process exits, before the restart.
    await waitFor("the exited replica out of the service", async () => {
      const s = await server.admin.getService("crashy-web");
      return s.endpoints.find((e) => e.allocId === victim.id)?.health === "unhealthy" || undefined;
    });
    await lbKnows("crashy-web", 1);
    await waitFor("the replica restarted and back", async () => {
      const a = await server.admin.getAllocation(victim.id);
      const s = await server.admin.getService("crashy-web");
      const e = s.endpoints.find((x) => x.allocId === victim.id);
      return (a.restarts === 1 && e?.health === "healthy") || undefined;
    });
    await lbKnows("crashy-web", 2);
    await stopJob("crashy");
  });

  it("forwards plain TCP from a per-service local port, retrying a refused connection elsewhere", async () => {
    const tcpPort = await freePort();
    await server.admin.submitJob({
      name: "tcp",
      tasks: [echoTask({ count: 2, lb: { policy: "round_robin", tcpPort } })],
    });
    const allocs = await running("tcp", 2);
    await lbKnows("tcp-web", 2);
    // Each request on a fresh connection: round robin per connection.
    const once = () =>
      new Promise<Echo>((resolve, reject) => {
        const req = httpGet(
          { host: "127.0.0.1", port: tcpPort, path: "/x", agent: false },
          (res) => {
            let body = "";
            res.on("data", (c) => {
              body += c;
            });
            res.on("end", () => resolve(JSON.parse(body) as Echo));
          },
        );
        req.on("error", reject);
      });
    await waitFor("the TCP port to forward", () => once());
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await once()).alloc);
    expect([...seen].sort()).toEqual(allocs.map((a) => a.id).sort());
    const down = allocs[0] as Allocation;
    await fetch(`http://127.0.0.1:${down.ports?.[0]?.port}/close?ms=600000`);
    // Its listener closes just after it answered: wait until it refuses connections.
    await waitFor("the replica to refuse connections", () =>
      fetch(`http://127.0.0.1:${down.ports?.[0]?.port}/`).then(
        () => undefined,
        () => true,
      ),
    );
    for (let i = 0; i < 4; i++) expect((await once()).alloc).not.toBe(down.id);
    await stopJob("tcp");
  });

  it("keeps its services across a server restart (ports are stored with the allocations)", async () => {
    await server.admin.submitJob({ name: "keep", tasks: [echoTask({ count: 1 })] });
    const [alloc] = await running("keep", 1);
    await serviceUp("keep-web", 1);
    await stop(server.proc);
    const listen = new URL(server.url).host;
    server = await startServer(`${dir}/server`, [], listen);
    const s = await server.admin.getService("keep-web");
    expect(s.endpoints.map((e) => [e.allocId, e.port])).toEqual([
      [alloc?.id, alloc?.ports?.[0]?.port],
    ]);
    await waitReady(server, 2);
    await lbKnows("keep-web", 1);
    expect((await viaLb("/keep-web/")).echo.alloc).toBe(alloc?.id);
    await stopJob("keep");
  });
});
