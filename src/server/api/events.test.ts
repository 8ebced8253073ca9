import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrinkClient, readSse } from "../../client/index.js";
import { type BrinkEvent, systemClock } from "../../model/index.js";
import { openStore, type Store } from "../../store/index.js";
import { buildApp } from "../app.js";
import { serverConfig } from "../config.js";
import { ControlPlane } from "../control-plane.js";
import { ServerMetrics } from "../metrics.js";
import { ensureBootstrapTokens } from "../tokens.js";

/** The stream on a real socket (inject cannot stream): pings, live frames, and a clean close. */
describe("GET /v1/events/stream", () => {
  let dir: string;
  let store: Store;
  let cp: ControlPlane;
  let app: FastifyInstance;
  let url: string;
  let admin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "brink-sse-"));
    store = await openStore("sqlite::memory:");
    const tokens = await ensureBootstrapTokens(store, dir);
    admin = readFileSync(tokens.adminPath, "utf8").trim();
    const config = serverConfig({ dataDir: dir, eventPingMs: 50 });
    const logger = pino({ level: "silent" });
    const metrics = new ServerMetrics();
    cp = new ControlPlane({ store, config, logger, metrics, clock: systemClock });
    await cp.start();
    app = buildApp({ cp, config, logger, metrics }).app;
    url = await app.listen({ host: "127.0.0.1", port: 0 });
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("pings while idle, sends live events as frames, and ends when the server closes", async () => {
    const res = await fetch(`${url}/v1/events/stream`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-cache");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes(": ping")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    expect(text.startsWith("retry: 2000\nid: 0\n")).toBe(true);
    reader.releaseLock();

    const frames: BrinkEvent[] = [];
    const reading = readSse(res.body as ReadableStream<Uint8Array>, (f) => {
      if (f.data !== undefined) frames.push(JSON.parse(f.data) as BrinkEvent);
    });
    const client = new BrinkClient({ addr: url, token: admin });
    await client.submitJob({
      name: "sse",
      tasks: [{ name: "t", driver: "exec", config: { command: "true" } }],
    });
    while (!frames.some((e) => e.type === "job.submitted"))
      await new Promise((r) => setTimeout(r, 10));
    expect(frames[0]).toMatchObject({ id: 1, type: "job.submitted", jobName: "sse" });
    // Closing the control plane ends every stream, so the server can close its sockets.
    await cp.close();
    await reading;
  });
});
