import type { Logger } from "pino";
import type { AgentMessage, ServerMessage } from "../../model/index.js";
import { PeerProber } from "./peer-prober.js";
import { PeerServer } from "./peer-server.js";

export { PeerProber } from "./peer-prober.js";
export { PeerServer } from "./peer-server.js";
export { probePeer, splitAddr } from "./probe.js";

/** The agent's part in witnessing: its peer port, probes of its site peers, probe requests. */
export interface Peering {
  /** For `hello`: where peers can reach this node (host null = the address the server sees). */
  advertised: { host: string | null; port: number };
  /** Builds a heartbeat carrying the latest peer reports. */
  heartbeat(): AgentMessage;
  /** Handles `peers` and `probe`; false for other messages. */
  onMessage(msg: ServerMessage, send: (m: AgentMessage) => void): boolean;
  close(): void;
}

const WILDCARDS = new Set(["0.0.0.0", "::", ""]);

export async function startPeering(
  listen: { host: string; port: number },
  nodeId: () => string,
  logger: Logger,
): Promise<Peering> {
  const server = new PeerServer(nodeId);
  const bound = await server.listen(listen.host, listen.port);
  const prober = new PeerProber();
  prober.start();
  logger.info({ peer: `${listen.host}:${bound.port}` }, "peer port open");
  return {
    advertised: { host: WILDCARDS.has(listen.host) ? null : listen.host, port: bound.port },
    heartbeat: () => ({ type: "heartbeat", peers: prober.report() }),
    onMessage(msg, send) {
      if (msg.type === "peers") {
        prober.setPeers(msg.peers);
        return true;
      }
      if (msg.type === "probe") {
        void prober.probeNow(msg.nodeId, msg.addr).then((r) =>
          send({
            type: "probe-result",
            requestId: msg.requestId,
            nodeId: msg.nodeId,
            ok: r.ok,
            rttMs: r.rttMs,
          }),
        );
        return true;
      }
      return false;
    },
    close() {
      prober.stop();
      server.close();
    },
  };
}
