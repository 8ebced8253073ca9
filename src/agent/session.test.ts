import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { ACK_DELAY_MS, type AgentMessage } from "../model/index.js";
import { AgentSessionClient } from "./session.js";

/** A real WebSocket server that welcomes the agent and records what it says. */
async function fakeServer(): Promise<{ url: string; got: AgentMessage[]; close(): void }> {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const got: AgentMessage[] = [];
  wss.on("connection", (ws) => {
    ws.on("message", (data) => got.push(JSON.parse(String(data)) as AgentMessage));
    ws.send(JSON.stringify({ type: "welcome", nodeId: "n1", heartbeatIntervalMs: 600_000 }));
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    got,
    close: () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}

async function until(what: string, probe: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("AgentSessionClient acknowledgements", () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  async function connected() {
    const server = await fakeServer();
    const session = new AgentSessionClient(
      {
        url: server.url,
        token: "t",
        minDelayMs: 50,
        maxDelayMs: 100,
        logger: pino({ level: "silent" }),
      },
      {
        hello: async () => ({ type: "hello", allocs: [] }) as unknown as AgentMessage,
        onMessage: () => undefined,
        onUnauthorized: () => undefined,
      },
    );
    cleanup.push(() => session.close(), server.close);
    session.start();
    await until("the hello", () => server.got.some((m) => m.type === "hello"));
    return { server, session };
  }

  it("carries the newest acknowledgement on the next report instead of a message of its own", async () => {
    const { server, session } = await connected();
    session.ack({ epoch: "e1", seq: 1 });
    session.ack({ epoch: "e1", seq: 2 });
    session.send({ type: "alloc-status", report: { allocId: "a1", status: "running" }, seq: 1 });
    await until("the report", () => server.got.some((m) => m.type === "alloc-status"));
    const report = server.got.find((m) => m.type === "alloc-status");
    expect(report).toMatchObject({ ack: { epoch: "e1", seq: 2 }, seq: 1 });
    // Nothing is left to send alone once the delay has passed; the next report carries nothing.
    await sleep(ACK_DELAY_MS * 2);
    session.send({ type: "alloc-status", report: { allocId: "a1", status: "complete" }, seq: 2 });
    await until(
      "the second report",
      () => server.got.filter((m) => m.type !== "hello").length >= 2,
    );
    expect(server.got.filter((m) => m.type === "ack")).toEqual([]);
    expect(server.got.at(-1)).not.toHaveProperty("ack");
  });

  it("sends the acknowledgement alone when nothing else goes out, and only once", async () => {
    const { server, session } = await connected();
    session.ack({ epoch: "e1", seq: 3 });
    await until("the ack", () => server.got.some((m) => m.type === "ack"));
    expect(server.got.filter((m) => m.type === "ack")).toEqual([
      { type: "ack", epoch: "e1", seq: 3 },
    ]);
    session.send({ type: "heartbeat" });
    await until("the heartbeat", () => server.got.some((m) => m.type === "heartbeat"));
    expect(server.got.find((m) => m.type === "heartbeat")).not.toHaveProperty("ack");
  });

  it("puts an acknowledgement on a heartbeat, not on other messages", async () => {
    const { server, session } = await connected();
    session.ack({ epoch: "e2", seq: 7 });
    session.send({ type: "resync" });
    session.send({ type: "heartbeat" });
    await until("the heartbeat", () => server.got.some((m) => m.type === "heartbeat"));
    expect(server.got.find((m) => m.type === "resync")).toEqual({ type: "resync" });
    expect(server.got.find((m) => m.type === "heartbeat")).toMatchObject({
      ack: { epoch: "e2", seq: 7 },
    });
  });
});

/**
 * A real WebSocket server with a heartbeat interval of `intervalMs`: one that offers server
 * pings (and pings every interval while `pinging`), or an old one that does not.
 */
async function livenessServer(intervalMs: number, offerPings: boolean) {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const state = {
    got: [] as AgentMessage[],
    features: [] as (string | undefined)[],
    pingsFromAgent: 0,
    connections: 0,
    pinging: true,
  };
  const timers: NodeJS.Timeout[] = [];
  wss.on("connection", (ws, req) => {
    state.connections++;
    state.features.push(req.headers["x-brink-agent-features"] as string | undefined);
    ws.on("message", (data) => state.got.push(JSON.parse(String(data)) as AgentMessage));
    ws.on("ping", () => state.pingsFromAgent++);
    ws.send(
      JSON.stringify({
        type: "welcome",
        nodeId: "n1",
        heartbeatIntervalMs: intervalMs,
        ...(offerPings ? { serverPings: true } : {}),
      }),
    );
    if (offerPings)
      timers.push(
        setInterval(() => {
          if (state.pinging) ws.ping();
        }, intervalMs),
      );
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    state,
    close: () => {
      for (const t of timers) clearInterval(t);
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}

describe("AgentSessionClient liveness", () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  function agent(url: string) {
    let beats = 0;
    const session = new AgentSessionClient(
      { url, token: "t", minDelayMs: 20, maxDelayMs: 50, logger: pino({ level: "silent" }) },
      {
        hello: async () => ({ type: "hello", allocs: [] }) as unknown as AgentMessage,
        onMessage: () => undefined,
        onUnauthorized: () => undefined,
        heartbeat: () => ({ type: "heartbeat", peers: { p1: { ok: true, rttMs: beats++ } } }),
      },
    );
    cleanup.push(() => session.close());
    session.start();
    return session;
  }

  const heartbeats = (got: AgentMessage[]) => got.filter((m) => m.type === "heartbeat");

  it("offers server pings and answers each ping with a heartbeat, pinging nothing itself", async () => {
    const server = await livenessServer(100, true);
    cleanup.push(server.close);
    agent(server.url);
    await until("five heartbeats", () => heartbeats(server.state.got).length >= 5);
    expect(server.state.features).toEqual(["server-ping"]);
    expect(server.state.pingsFromAgent).toBe(0);
    // The heartbeat is built by the handler (peer reports ride along) and carries no RTT of the
    // agent's own: the server measures it.
    expect(heartbeats(server.state.got)[0]).toEqual({
      type: "heartbeat",
      peers: { p1: { ok: true, rttMs: 0 } },
    });
    // Without pings there are no heartbeats: they are answers, not a timer of the agent's.
    server.state.pinging = false;
    await sleep(50);
    const before = heartbeats(server.state.got).length;
    await sleep(250);
    expect(heartbeats(server.state.got).length).toBe(before);
  });

  it("re-dials when the server's pings stop for three intervals and a second", async () => {
    const server = await livenessServer(100, true);
    cleanup.push(server.close);
    agent(server.url);
    await until("a heartbeat", () => heartbeats(server.state.got).length >= 1);
    server.state.pinging = false;
    const stoppedAt = Date.now();
    await until("a second connection", () => server.state.connections >= 2);
    // 3 × 100 ms + 1 s after the last ping (then a backoff of at most 50 ms).
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1100);
    expect(server.state.connections).toBe(2);
  });

  it("heartbeats on its own timer, each with a ping, for a server that does not ping", async () => {
    const server = await livenessServer(100, false);
    cleanup.push(server.close);
    agent(server.url);
    await until("three heartbeats", () => heartbeats(server.state.got).length >= 3);
    await until("the agent's pings", () => server.state.pingsFromAgent >= 3);
    // Its own pings measure the round trip, reported from the second heartbeat on.
    await until("an RTT", () =>
      heartbeats(server.state.got).some((m) => m.serverRttMs !== undefined),
    );
    expect(server.state.connections).toBe(1);
  });
});
