import { connect } from "node:net";
import type { PeerReport } from "../../model/index.js";

/** Splits `host:port` (IPv6 hosts in brackets). */
export function splitAddr(addr: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(addr);
  return m?.[1] && m[2] ? { host: m[1], port: Number(m[2]) } : undefined;
}

/**
 * One probe: connect to the peer port and read its greeting; ok only if the node that answers
 * is the one expected (a reused port on another machine is not a live peer).
 */
export function probePeer(addr: string, nodeId: string, timeoutMs: number): Promise<PeerReport> {
  const target = splitAddr(addr);
  if (!target) return Promise.resolve({ ok: false, rttMs: null });
  const started = performance.now();
  return new Promise((resolve) => {
    let text = "";
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ ok, rttMs: ok ? Math.round((performance.now() - started) * 100) / 100 : null });
    };
    const socket = connect({ host: target.host, port: target.port });
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on("data", (chunk) => {
      text += chunk.toString("utf8");
      if (text.includes("\n")) finish(text.trim() === `brink-peer ${nodeId}`);
    });
    socket.on("error", () => finish(false));
    socket.on("close", () => finish(text.trim() === `brink-peer ${nodeId}`));
  });
}
