import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { hollowFingerprint } from "../src/agent/hollow/profiles.js";
import { BrinkClient } from "../src/client/index.js";
import type { ServerMessage } from "../src/model/index.js";
import { removeDir, startServer, stop, type TestServer, tempDir, waitFor } from "./harness.js";

const INTERVAL_MS = 200;

/** A hand-driven agent session: what the server sent it, and the pings it got. */
interface RawAgent {
  ws: WebSocket;
  got: ServerMessage[];
  pings: number[];
}

/**
 * Joins a node and opens its session by hand, offering `features` (or no header at all, as
 * agents before server pings did). The session says hello, then heartbeats: on each server ping
 * when `answerPings`, else on its own timer with a ping of its own.
 */
async function rawAgent(
  server: TestServer,
  name: string,
  features: string | undefined,
  answerPings: boolean,
  timers: NodeJS.Timeout[],
): Promise<RawAgent> {
  const fingerprint = hollowFingerprint("small", 0, name);
  const joiner = new BrinkClient({ addr: server.url, token: server.joinToken });
  const { token } = await joiner.join({ name, site: "liveness", labels: {}, fingerprint });
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/agent/session`, {
    headers: {
      authorization: `Bearer ${token}`,
      ...(features === undefined ? {} : { "x-brink-agent-features": features }),
    },
  });
  const agent: RawAgent = { ws, got: [], pings: [] };
  ws.on("message", (data) => agent.got.push(JSON.parse(String(data)) as ServerMessage));
  ws.on("ping", () => {
    agent.pings.push(Date.now());
    if (answerPings) ws.send(JSON.stringify({ type: "heartbeat" }));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(JSON.stringify({ type: "hello", fingerprint, allocs: [] }));
  if (!answerPings)
    timers.push(
      setInterval(() => {
        ws.send(JSON.stringify({ type: "heartbeat" }));
        ws.ping();
      }, INTERVAL_MS),
    );
  return agent;
}

describe("agent liveness: server pings for agents that offer them, own heartbeats for others", () => {
  let dir: string;
  let server: TestServer;
  const timers: NodeJS.Timeout[] = [];
  let pinged: RawAgent;
  let old: RawAgent;

  beforeAll(async () => {
    dir = tempDir("liveness");
    server = await startServer(`${dir}/server`, ["--heartbeat-interval", String(INTERVAL_MS)]);
    pinged = await rawAgent(server, "pinged", "future-thing, server-ping", true, timers);
    old = await rawAgent(server, "old", undefined, false, timers);
    await waitFor("both nodes ready", async () => {
      const nodes = await server.admin.listNodes();
      return nodes.filter((n) => n.status === "ready").length === 2 || undefined;
    });
  });

  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    pinged?.ws.terminate();
    old?.ws.terminate();
    if (server) await stop(server.proc);
    removeDir(dir);
  });

  it("tells each session in its welcome whether the server pings it", () => {
    expect(pinged.got[0]).toEqual({
      type: "welcome",
      nodeId: expect.any(String),
      heartbeatIntervalMs: INTERVAL_MS,
      serverPings: true,
    });
    expect(old.got[0]).toEqual({
      type: "welcome",
      nodeId: expect.any(String),
      heartbeatIntervalMs: INTERVAL_MS,
    });
  });

  it("pings the offering session every interval, keeps both ready, measures the round trip", async () => {
    const from = pinged.pings.length;
    // Two seconds, ten intervals: both nodes stay ready throughout.
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const nodes = await server.admin.listNodes();
      expect(nodes.map((n) => [n.name, n.status]).sort()).toEqual([
        ["old", "ready"],
        ["pinged", "ready"],
      ]);
    }
    const pings = pinged.pings.slice(from);
    // ≈ 10 in 2 s; a loaded machine may delay some, never double them.
    expect(pings.length).toBeGreaterThanOrEqual(6);
    expect(pings.length).toBeLessThanOrEqual(12);
    expect(old.pings).toEqual([]);
    // The pinged session never reported a round trip: the server measured it from its pongs.
    const topo = await server.admin.topology();
    const rtt = (name: string) => topo.nodes.find((n) => n.name === name)?.serverRttMs;
    expect(rtt("pinged")).toEqual(expect.any(Number));
    // The old session reported none either and sent its own pings: the server has no figure.
    expect(rtt("old")).toBeNull();
  });

  it("suspects a pinged node whose heartbeats stop although its session stays open", async () => {
    // The session keeps answering pings at the WebSocket level (pongs) but sends no heartbeats.
    pinged.ws.removeAllListeners("ping");
    await waitFor(
      "the silent node suspected",
      async () => {
        const n = await server.admin.getNode("pinged");
        return n.status !== "ready" || undefined;
      },
      15_000,
    );
    expect((await server.admin.getNode("old")).status).toBe("ready");
  });
});
