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
