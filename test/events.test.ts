import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiError, BrinkClient, readSse, type SseFrame } from "../src/client/index.js";
import type { BrinkEvent } from "../src/model/index.js";
import {
  type Proc,
  startAgent,
  startServer,
  stop,
  type TestServer,
  teardown,
  tempDir,
  waitFor,
  waitReady,
} from "./harness.js";

const batch = (name: string, script: string) =>
  [
    `name: ${name}`,
    "type: batch",
    "tasks:",
    "  - name: run",
    "    driver: exec",
    `    config: { command: /bin/sh, args: ["-c", "${script}"] }`,
    "    resources: { cpu: 100, memory: 32 }",
  ].join("\n");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Opens the raw SSE stream and collects frames until `until` holds or the test aborts it. */
async function rawStream(
  url: string,
  headers: Record<string, string>,
  until: (frames: SseFrame[]) => boolean,
): Promise<{ status: number; type: string | null; frames: SseFrame[] }> {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  const frames: SseFrame[] = [];
  if (!res.ok || !res.body) return { status: res.status, type: null, frames };
  await readSse(res.body, (f) => {
    frames.push(f);
    if (until(frames)) ctrl.abort();
  }).catch((err: Error) => {
    if (err.name !== "AbortError") throw err;
  });
  return { status: res.status, type: res.headers.get("content-type"), frames };
}

const events = (frames: SseFrame[]) =>
  frames.filter((f) => f.data !== undefined).map((f) => JSON.parse(f.data as string) as BrinkEvent);

describe("events: list, filters, paging and the SSE stream on a real server", () => {
  let dir: string;
  let port: number;
  let server: TestServer;
  const agents: Proc[] = [];

  beforeAll(async () => {
    dir = tempDir("events");
    port = await freePort();
    server = await startServer(`${dir}/server`, [], `127.0.0.1:${port}`);
    agents.push(startAgent(server, "ev-1", dir, ["--site", "s1"]));
    await waitReady(server, 1);
    await server.admin.submitJob(batch("hello", "echo hi"));
    await waitFor("job hello complete", async () =>
      (await server.admin.getJob("hello")).status === "complete" ? true : undefined,
    );
  });

  afterAll(async () => {
    await teardown(agents, server, dir);
  });

  it("records node, job and allocation events in order, with monotonic ids", async () => {
    const all = await waitFor("job.complete event", async () => {
      const list = await server.admin.listEvents();
      return list.some((e) => e.type === "job.complete") ? list : undefined;
    });
    const ids = all.map((e) => e.id);
    expect(ids).toStrictEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const types = all.map((e) => e.type);
    for (const t of [
      "node.registered",
      "node.ready",
      "job.submitted",
      "alloc.placed",
      "alloc.complete",
      "job.complete",
    ]) {
      expect(types).toContain(t);
    }
    expect(types.indexOf("alloc.placed")).toBeLessThan(types.indexOf("alloc.complete"));
    const placed = all.find((e) => e.type === "alloc.placed");
    expect(placed).toMatchObject({ nodeName: "ev-1", jobName: "hello", severity: "info" });
    expect(placed?.message).toContain("hello.run[0] placed on ev-1");
    expect(Date.parse(placed?.time ?? "")).toBeGreaterThan(0);
  });

  it("filters by type (and group), node and job (by name), and pages with X-Next-Cursor", async () => {
    const nodeEvents = await server.admin.listEvents({ type: "node.*" });
    expect(nodeEvents.length).toBeGreaterThan(0);
    expect(nodeEvents.every((e) => e.type.startsWith("node."))).toBe(true);
    const two = await server.admin.listEvents({ type: ["job.submitted", "job.complete"] });
    expect(two.map((e) => e.type)).toStrictEqual(["job.submitted", "job.complete"]);
    const ofJob = await server.admin.listEvents({ job: "hello" });
    expect(ofJob.length).toBeGreaterThanOrEqual(4);
    expect(ofJob.every((e) => e.jobName === "hello")).toBe(true);
    expect(await server.admin.jobEvents("hello")).toStrictEqual(ofJob);
    const onNode = await server.admin.listEvents({ node: "ev-1", type: "alloc" });
    expect(onNode.length).toBeGreaterThan(0);
    expect(onNode.every((e) => e.nodeName === "ev-1" && e.type.startsWith("alloc."))).toBe(true);

    const all = await server.admin.listEvents();
    const first = await server.admin.listEventsPage({ limit: 2 });
    expect(first.items).toStrictEqual(all.slice(0, 2));
    expect(first.next).toBe(String(all[1]?.id));
    const second = await server.admin.listEventsPage({ limit: 2, cursor: first.next });
    expect(second.items).toStrictEqual(all.slice(2, 4));
    const since = await server.admin.listEvents({ since: all[2]?.id });
    expect(since).toStrictEqual(all.slice(3));
    const latest = await server.admin.listEvents({ latest: 2 });
    expect(latest).toStrictEqual(all.slice(-2));
  });

  it("refuses bad queries with a clear error and needs a token", async () => {
    const bad = async (q: Parameters<BrinkClient["listEvents"]>[0]) => {
      try {
        await server.admin.listEvents(q);
      } catch (err) {
        return err as ApiError;
      }
      throw new Error("expected an error");
    };
    const unknownType = await bad({ type: "node.exploded" });
    expect(unknownType.status).toBe(400);
    expect(unknownType.message).toContain('unknown event type "node.exploded"');
    expect((await bad({ limit: 0 })).message).toContain("limit must be a whole number");
    expect((await bad({ since: -1 })).message).toContain("since must be a whole number");
    const anon = new BrinkClient({ addr: server.url });
    await expect(anon.listEvents()).rejects.toMatchObject({ status: 401 });
    const res = await fetch(`${server.url}/v1/events?token=wrong`);
    expect(res.status).toBe(401);
  });

  it("streams with ?token=, replays after Last-Event-ID with the same filter, then follows live", async () => {
    const admin = server.admin;
    const all = await admin.listEvents();
    const token = readFileSync(join(dir, "server", "admin.token"), "utf8").trim();
    const cut = all[1]?.id as number;
    // Replay everything after `cut`, as a browser's EventSource would after a reconnect.
    const replay = await rawStream(
      `${server.url}/v1/events/stream?token=${token}`,
      { "last-event-id": String(cut) },
      (frames) => events(frames).length >= all.length - 2,
    );
    expect(replay.status).toBe(200);
    expect(replay.type).toContain("text/event-stream");
    expect(events(replay.frames)).toStrictEqual(all.slice(2));
    const first = replay.frames.find((f) => f.data !== undefined);
    const firstEvent = all[2] as BrinkEvent;
    expect(first).toMatchObject({ id: String(firstEvent.id), event: firstEvent.type });

    // A filtered live stream: alloc events of a new job only, none of the history.
    const seen: BrinkEvent[] = [];
    const ctrl = new AbortController();
    const following = admin.streamEvents(
      { job: "later", type: "alloc.*" },
      (e) => {
        seen.push(e);
        if (e.type === "alloc.complete") ctrl.abort();
      },
      { signal: ctrl.signal },
    );
    await waitFor("the stream to open", async () => {
      const m = await admin.metrics();
      return /brink_event_streams 1\b/.test(m) || undefined;
    });
    await admin.submitJob(batch("later", "echo later"));
    await following;
    // `alloc.running` shows up when the agent saw the task running before it exited.
    const types = seen.map((e) => e.type).filter((t) => t !== "alloc.running");
    expect(types).toStrictEqual(["alloc.placed", "alloc.complete"]);
    expect(seen.every((e) => e.jobName === "later")).toBe(true);
    const stored = await admin.listEvents({ job: "later", type: "alloc" });
    expect(stored).toStrictEqual(seen);
  });

  it("refuses a stream without a valid token, and a bad filter, before streaming", async () => {
    const none = await fetch(`${server.url}/v1/events/stream`);
    expect(none.status).toBe(401);
    await expect(
      server.admin.streamEvents({ type: "bogus" }, () => undefined),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("the client reconnects across a server restart with Last-Event-ID and misses nothing", async () => {
    const admin = server.admin;
    const before = await admin.listEvents({ latest: 1 });
    const start = before[0]?.id as number;
    const seen: BrinkEvent[] = [];
    const statuses: string[] = [];
    const ctrl = new AbortController();
    const following = admin.streamEvents(
      { since: start },
      (e) => {
        seen.push(e);
        if (e.type === "job.complete" && e.jobName === "after-restart") ctrl.abort();
      },
      { signal: ctrl.signal, retryMs: 200, onStatus: (s) => statuses.push(s) },
    );
    await waitFor("the stream to open", () => statuses.includes("open") || undefined);
    await stop(server.proc);
    // Events happen while the client is away: the node comes back, a job runs.
    server = await startServer(`${dir}/server`, [], `127.0.0.1:${port}`);
    await waitReady(server, 1);
    await admin.submitJob(batch("after-restart", "echo again"));
    await following;
    expect(statuses.filter((s) => s === "open").length).toBeGreaterThanOrEqual(2);
    expect(statuses).toContain("reconnecting");
    const stored = await admin.listEvents({ since: start });
    expect(seen).toStrictEqual(stored.filter((e) => e.id <= (seen.at(-1)?.id ?? 0)));
    // Numbering continues after the stored events; nothing is numbered twice.
    const ids = seen.map((e) => e.id);
    expect(ids[0]).toBeGreaterThan(start);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toStrictEqual([...ids].sort((a, b) => a - b));
  });
});
