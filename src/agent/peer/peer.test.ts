import { describe, expect, it } from "vitest";
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
});
