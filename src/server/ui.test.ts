import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { uiRoutes } from "./ui.js";

describe("dashboard serving at /ui/", () => {
  let dir: string;
  let app: FastifyInstance;

  async function serve(build: boolean): Promise<FastifyInstance> {
    dir = mkdtempSync(join(tmpdir(), "brink-ui-"));
    if (build) {
      mkdirSync(join(dir, "assets"));
      writeFileSync(join(dir, "index.html"), "<!doctype html><title>Brink</title>app");
      writeFileSync(join(dir, "assets", "index-abc.js"), "console.log(1)");
    }
    app = Fastify();
    await app.register((i) => uiRoutes(i, dir));
    return app;
  }

  afterEach(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the app, its assets, and index.html for the app's routes", async () => {
    await serve(true);
    const index = await app.inject("/ui/");
    expect(index.statusCode).toBe(200);
    expect(index.headers["content-type"]).toContain("text/html");
    expect(index.headers["cache-control"]).toBe("no-cache");
    expect(index.body).toContain("app");
    for (const route of ["/ui/nodes", "/ui/jobs/my.job", "/ui/jobs/x/edit?y=1"]) {
      const r = await app.inject(route);
      expect([route, r.statusCode, r.body]).toEqual([route, 200, index.body]);
    }
    const asset = await app.inject("/ui/assets/index-abc.js");
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect(asset.body).toBe("console.log(1)");
  });

  it("answers 404 for a missing asset, redirects / and /ui", async () => {
    await serve(true);
    const missing = await app.inject("/ui/assets/gone.js");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    for (const path of ["/", "/ui"]) {
      const r = await app.inject(path);
      expect([r.statusCode, r.headers.location]).toEqual([302, "/ui/"]);
    }
  });

  it("serves a rebuilt app without a restart", async () => {
    await serve(true);
    writeFileSync(join(dir, "assets", "index-new.js"), "console.log(2)");
    const r = await app.inject("/ui/assets/index-new.js");
    expect([r.statusCode, r.body]).toEqual([200, "console.log(2)"]);
  });

  it("says how to build it when it is not built", async () => {
    await serve(false);
    const r = await app.inject("/ui/nodes");
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain("npm run build");
  });
});
