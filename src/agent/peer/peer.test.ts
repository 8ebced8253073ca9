import { describe, expect, it } from "vitest";
import { PeerProber } from "./peer-prober.js";
import { PeerServer } from "./peer-server.js";
import { probePeer, splitAddr } from "./probe.js";

describe("peer probes", () => {
  it("reach a live peer and tell who answered", async () => {
    const server = new PeerServer(() => "node-1");
    const { port } = await server.listen("127.0.0.1", 0);
    try {
      const ok = await probePeer(`127.0.0.1:${port}`, "node-1", 500);
      expect(ok.ok).toBe(true);
      expect(ok.rttMs).toBeGreaterThanOrEqual(0);
      expect((await probePeer(`127.0.0.1:${port}`, "node-2", 500)).ok).toBe(false);
    } finally {
      server.close();
    }
  });

  it("report an unreachable peer as not ok", async () => {
    const server = new PeerServer(() => "n");
    const { port } = await server.listen("127.0.0.1", 0);
    server.close();
    expect(await probePeer(`127.0.0.1:${port}`, "n", 300)).toEqual({ ok: false, rttMs: null });
  });

  it("split host:port, IPv6 included", () => {
    expect(splitAddr("10.0.0.1:7000")).toEqual({ host: "10.0.0.1", port: 7000 });
    expect(splitAddr("[::1]:7000")).toEqual({ host: "::1", port: 7000 });
    expect(splitAddr("nope")).toBeUndefined();
  });

  it("probe on a timer only while the site has peers", async () => {
    const server = new PeerServer(() => "node-1");
    const { port } = await server.listen("127.0.0.1", 0);
    const prober = new PeerProber(20, 500);
    try {
      prober.start();
      expect(prober.active).toBe(false);
      prober.setPeers([{ nodeId: "node-1", name: "n1", addr: `127.0.0.1:${port}` }]);
      expect(prober.active).toBe(true);
      for (let i = 0; i < 100 && !prober.report()["node-1"]; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(prober.report()["node-1"]?.ok).toBe(true);
      prober.setPeers([]);
      expect(prober.active).toBe(false);
      expect(prober.report()).toEqual({});
      prober.setPeers([{ nodeId: "node-1", name: "n1", addr: `127.0.0.1:${port}` }]);
      prober.stop();
      expect(prober.active).toBe(false);
    } finally {
      prober.stop();
      server.close();
    }
  });
});
