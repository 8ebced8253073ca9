import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../model/index.js";
import { openStore, type Store } from "../store/index.js";
import { buildApp } from "./app.js";
import { serverConfig } from "./config.js";
import { ControlPlane } from "./control-plane.js";
import { ServerMetrics } from "./metrics.js";
import { ensureBootstrapTokens } from "./tokens.js";

const fingerprint = {
  resources: { cpu: 2000, memory: 4096, disk: 10_000 },
  arch: "amd64",
  os: "linux",
  kernel: "6.1",
  hostname: "h1",
  cpuModel: "test",
  gpus: [],
  drivers: ["exec"],
};

describe("HTTP API", () => {
  let dir: string;
  let store: Store;
  let cp: ControlPlane;
  let app: FastifyInstance;
  let admin: string;
  let joinToken: string;
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "brink-api-"));
    store = await openStore("sqlite::memory:");
    const tokens = await ensureBootstrapTokens(store, dir);
    admin = readFileSync(tokens.adminPath, "utf8").trim();
    joinToken = readFileSync(tokens.joinPath, "utf8").trim();
    const config = serverConfig({ dataDir: dir });
    const logger = pino({ level: "silent" });
    const metrics = new ServerMetrics();
    cp = new ControlPlane({ store, config, logger, metrics, clock: systemClock });
    await cp.start();
    app = buildApp({ cp, config, logger, metrics }).app;
    await app.ready();
  });

  afterAll(async () => {
    await cp.close();
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the bootstrap tokens with mode 0600", () => {
    expect(statSync(join(dir, "admin.token")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "join.token")).mode & 0o777).toBe(0o600);
  });

  it("serves health without a token", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok" });
  });

  it("answers 401 without a token or with an unknown one", async () => {
    const none = await app.inject({ method: "GET", url: "/v1/nodes" });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    const wrong = await app.inject({ method: "GET", url: "/v1/jobs", headers: auth("nope") });
    expect(wrong.statusCode).toBe(401);
  });

  it("answers 403 when the role does not fit, and lets a node read only itself", async () => {
    const asJoin = await app.inject({ method: "GET", url: "/v1/jobs", headers: auth(joinToken) });
    expect(asJoin.statusCode).toBe(403);
    const joined = await app.inject({
      method: "POST",
      url: "/v1/nodes/join",
      headers: auth(joinToken),
      payload: { name: "n1", site: "s", labels: { zone: "a" }, fingerprint },
    });
    expect(joined.statusCode).toBe(201);
    const other = await app.inject({
      method: "POST",
      url: "/v1/nodes/join",
      headers: auth(joinToken),
      payload: { name: "n2", site: "s", fingerprint },
    });
    const { token, nodeId } = joined.json() as { token: string; nodeId: string };
    const own = await app.inject({
      method: "GET",
      url: `/v1/nodes/${nodeId}`,
      headers: auth(token),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      name: "n1",
      status: "initializing",
      labels: { zone: "a", "brink/site": "s" },
    });
    const foreign = await app.inject({
      method: "GET",
      url: `/v1/nodes/${other.json().nodeId}`,
      headers: auth(token),
    });
    expect(foreign.statusCode).toBe(403);
    const jobs = await app.inject({ method: "GET", url: "/v1/jobs", headers: auth(token) });
    expect(jobs.statusCode).toBe(403);
  });

  it("rejects reserved labels at join", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/nodes/join",
      headers: auth(joinToken),
      payload: { name: "n3", site: "s", labels: { "brink/site": "x" }, fingerprint },
    });
    expect(res.statusCode).toBe(400);
  });

  it("answers 400 JOB_INVALID with a path per problem", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      headers: auth(admin),
      payload: {
        name: "bad",
        extra: true,
        tasks: [
          {
            name: "t",
            driver: "exec",
            config: { command: "/bin/true" },
            resources: { cpu: 0, memory: -5 },
          },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe("JOB_INVALID");
    expect(body.error.details.map((d) => d.path).sort()).toEqual([
      "extra",
      "tasks[0].resources.cpu",
      "tasks[0].resources.memory",
    ]);
  });

  it("rejects duplicate task names and unknown drivers", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      headers: auth(admin),
      payload: {
        name: "dup",
        tasks: [
          { name: "t", driver: "exec", config: { command: "/bin/true" } },
          { name: "t", driver: "exec", config: { command: "/bin/true" } },
          { name: "u", driver: "docker", config: {} },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    const paths = (res.json() as { error: { details: { path: string }[] } }).error.details.map(
      (d) => d.path,
    );
    expect(paths).toEqual(expect.arrayContaining(["tasks[1].name", "tasks[2].driver"]));
  });

  it("accepts YAML and creates versions", async () => {
    const yaml =
      "name: y\ntype: batch\ntasks:\n  - name: t\n    driver: exec\n    config: { command: /bin/true }\n";
    const first = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      headers: { ...auth(admin), "content-type": "application/yaml" },
      payload: yaml,
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ name: "y", version: 1 });
    const second = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      headers: { ...auth(admin), "content-type": "application/yaml" },
      payload: yaml,
    });
    expect(second.json()).toMatchObject({ name: "y", version: 2, id: first.json().id });
    const versions = await app.inject({
      method: "GET",
      url: "/v1/jobs/y/versions",
      headers: auth(admin),
    });
    expect((versions.json() as unknown[]).length).toBe(2);
  });

  it("reports broken YAML with its line", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      headers: { ...auth(admin), "content-type": "application/yaml" },
      payload: "name: y\ntasks: [\n  - x: : :\n",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/line \d+/);
  });

  it("answers 413 for bodies over 1 MiB", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      headers: { ...auth(admin), "content-type": "application/json" },
      payload: JSON.stringify({ name: "big", pad: "x".repeat(1 << 20) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });

  it("answers 404 with a code for unknown jobs and routes", async () => {
    const job = await app.inject({ method: "GET", url: "/v1/jobs/nothing", headers: auth(admin) });
    expect(job.statusCode).toBe(404);
    expect(job.json()).toMatchObject({ error: { code: "JOB_NOT_FOUND" } });
    const route = await app.inject({ method: "GET", url: "/v1/nope", headers: auth(admin) });
    expect(route.statusCode).toBe(404);
  });

  it("keeps an unplaceable job pending with the reason per filter", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/jobs",
      headers: auth(admin),
      payload: {
        name: "waits",
        tasks: [{ name: "t", driver: "exec", config: { command: "/bin/true" } }],
      },
    });
    expect(res.statusCode).toBe(201);
    let allocs: { status: string; nodeId: string | null; reasons: string[] }[] = [];
    for (let i = 0; i < 50 && allocs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      allocs = (
        await app.inject({ method: "GET", url: "/v1/jobs/waits/allocations", headers: auth(admin) })
      ).json();
    }
    expect(allocs[0]).toMatchObject({ status: "pending", nodeId: null });
    expect(allocs[0]?.reasons[0]).toBe("2 nodes: 2 not ready (initializing)");
    const summary = await app.inject({
      method: "GET",
      url: "/v1/jobs/waits/summary",
      headers: auth(admin),
    });
    expect(summary.json()).toMatchObject({
      name: "waits",
      version: 1,
      status: "pending",
      wanted: 1,
      allocations: { pending: 1 },
      placed: 0,
      unplaced: 1,
    });
  });

  it("pages and filters lists (body an array, next cursor in X-Next-Cursor)", async () => {
    const first = await app.inject({
      method: "GET",
      url: "/v1/nodes?limit=1",
      headers: auth(admin),
    });
    expect(first.json()).toHaveLength(1);
    const cursor = first.headers["x-next-cursor"] as string;
    expect(cursor).toBe((first.json() as { name: string }[])[0]?.name);
    const second = await app.inject({
      method: "GET",
      url: `/v1/nodes?limit=1&cursor=${cursor}`,
      headers: auth(admin),
    });
    expect((second.json() as { name: string }[])[0]?.name).not.toBe(cursor);
    expect(second.headers["x-next-cursor"]).toBeUndefined();
    const filtered = await app.inject({
      method: "GET",
      url: "/v1/nodes?site=nowhere",
      headers: auth(admin),
    });
    expect(filtered.json()).toEqual([]);
    const jobPage = await app.inject({
      method: "GET",
      url: "/v1/jobs/waits/allocations?limit=1",
      headers: auth(admin),
    });
    expect(jobPage.statusCode).toBe(200);
    expect((jobPage.json() as unknown[]).length).toBeLessThanOrEqual(1);
    const bad = await app.inject({ method: "GET", url: "/v1/nodes?limit=0", headers: auth(admin) });
    expect(bad.statusCode).toBe(400);
  });

  it("serves metrics without a token in Prometheus format", async () => {
    const res = await app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("brink_nodes{");
    expect(res.body).toContain("brink_http_requests_total");
  });
});
