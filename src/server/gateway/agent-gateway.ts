import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import {
  AGENT_FEATURES_HEADER,
  type AgentMessage,
  SERVER_PING_FEATURE,
  type ServerMessage,
} from "../../model/index.js";
import type { ControlPlane } from "../control-plane.js";
import type { AgentSession } from "../session.js";
import { parseAgentMessage } from "./parse-message.js";
import { type PingedSession, SessionPinger } from "./session-pinger.js";

export const SESSION_PATH = "/v1/agent/session";

/** Counts a message on an agent session by direction and type (for metrics). */
export type MessageCounter = (direction: "in" | "out", type: string) => void;

class WsSession implements AgentSession, PingedSession {
  /** When the server's last ping went out (performance.now), 0 when none is outstanding. */
  private pingSentAt = 0;
  /** The round trip of the last ping answered and not yet passed on with a heartbeat. */
  private rttMs: number | undefined;

  constructor(
    readonly nodeId: string,
    private readonly ws: WebSocket,
    readonly remoteAddress: string | undefined,
    private readonly count: MessageCounter,
    /** The agent answers the server's pings with heartbeats (it offered `server-ping`). */
    readonly serverPings: boolean,
  ) {
    if (serverPings) ws.on("pong", () => this.ponged());
  }

  ping(): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.pingSentAt = performance.now();
    this.ws.ping();
    return true;
  }

  private ponged(): void {
    if (this.pingSentAt === 0) return;
    this.rttMs = performance.now() - this.pingSentAt;
    this.pingSentAt = 0;
  }

  /** The round trip measured since the last call, if any (each sample is used once). */
  takeRtt(): number | undefined {
    const rtt = this.rttMs;
    this.rttMs = undefined;
    return rtt;
  }

  send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message), message.type);
  }

  sendText(json: string, type: ServerMessage["type"]): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(json);
    this.count("out", type);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m?.[1];
}

function reject(socket: Duplex, status: number, message: string, extra = ""): void {
  socket.end(
    `HTTP/1.1 ${status} ${message}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}

/** How many sessions may be between upgrade and processed hello at once (join storms). */
export const DEFAULT_MAX_PENDING_JOINS = 1000;

export interface GatewayOptions {
  /** How often agents heartbeat: the server pings sessions that offered `server-ping` this often. */
  heartbeatIntervalMs: number;
  maxPendingJoins?: number;
  /** Called for each attempt turned away with 503 (counted in metrics). */
  onBusy?: () => void;
  /** Called for each message sent or received on a session (counted in metrics). */
  count?: MessageCounter;
}

/** True when the upgrade request lists `feature` in the agent-features header. */
function offers(req: IncomingMessage, feature: string): boolean {
  const header = req.headers[AGENT_FEATURES_HEADER];
  const list = Array.isArray(header) ? header.join(",") : (header ?? "");
  return list.split(",").some((f) => f.trim() === feature);
}

/**
 * The agent gateway: accepts agents' WebSocket sessions on the API port (agents dial out, so
 * nodes behind NAT work), authenticates them with their node token and routes their messages to
 * the control plane.
 */
export class AgentGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 << 20 });
  /** Sessions being admitted: upgraded or upgrading, hello not yet processed. */
  private admitting = 0;
  private readonly maxPendingJoins: number;
  private readonly onBusy: () => void;
  private readonly count: MessageCounter;
  private readonly pinger: SessionPinger;

  constructor(
    private readonly cp: ControlPlane,
    private readonly logger: Logger,
    opts: GatewayOptions,
  ) {
    this.maxPendingJoins = opts.maxPendingJoins ?? DEFAULT_MAX_PENDING_JOINS;
    this.onBusy = opts.onBusy ?? (() => {});
    this.count = opts.count ?? (() => {});
    this.pinger = new SessionPinger(opts.heartbeatIntervalMs);
  }

  attach(server: Server): void {
    server.on("upgrade", (req, socket, head) => {
      void this.upgrade(req, socket, head).catch((err: unknown) => {
        this.logger.error({ err }, "agent session upgrade failed");
        reject(socket, 500, "Internal Server Error");
      });
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    if (path !== SESSION_PATH) return reject(socket, 404, "Not Found");
    // Admission limit: in a join storm (a restarted server, a healed WAN) the agents that come
    // beyond the limit are told to come back later (their backoff adds jitter), so the ones
    // admitted get their hello processed before their handshakes and heartbeats time out.
    if (this.admitting >= this.maxPendingJoins) {
      this.onBusy();
      const retryAfterSec = 1 + Math.ceil(this.admitting / this.maxPendingJoins);
      return reject(socket, 503, "Service Unavailable", `Retry-After: ${retryAfterSec}\r\n`);
    }
    this.admitting++;
    let admitted = false;
    const release = () => {
      if (admitted) return;
      admitted = true;
      this.admitting--;
    };
    // However the attempt ends (refused, failed handshake, dropped before hello), the slot frees.
    socket.once("close", release);
    const token = bearer(req);
    const record = token ? await this.cp.authenticate(token) : undefined;
    if (!record) return reject(socket, 401, "Unauthorized");
    if (record.role !== "node" || record.nodeId === null) return reject(socket, 403, "Forbidden");
    const nodeId = record.nodeId;
    const serverPings = offers(req, SERVER_PING_FEATURE);
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.serve(nodeId, ws, req.socket.remoteAddress, serverPings, release),
    );
  }

  /** Sessions currently being admitted (upgraded, hello not yet processed). */
  get pendingJoins(): number {
    return this.admitting;
  }

  private serve(
    nodeId: string,
    ws: WebSocket,
    remoteAddress: string | undefined,
    serverPings: boolean,
    admitted: () => void,
  ): void {
    const session = new WsSession(nodeId, ws, remoteAddress, this.count, serverPings);
    const log = this.logger.child({ nodeId });
    this.cp.sessionOpened(session);
    if (serverPings) this.pinger.add(session);
    // A session that never says hello must not hold an admission slot for ever.
    const helloTimer = setTimeout(admitted, 30_000);
    helloTimer.unref();
    const release = () => {
      clearTimeout(helloTimer);
      admitted();
    };
    ws.on("message", (data: RawData) => {
      const msg = parseAgentMessage(data);
      this.count("in", msg ? msg.type : "malformed");
      if (!msg) {
        log.warn("malformed agent message dropped");
        return;
      }
      void this.dispatch(session, msg)
        .catch((err: unknown) => log.error({ err, type: msg.type }, "agent message failed"))
        .finally(() => {
          if (msg.type === "hello") release();
        });
    });
    ws.on("close", () => {
      release();
      this.pinger.remove(session);
      this.cp.sessionClosed(session);
    });
    ws.on("error", (err) => log.warn({ err }, "agent session error"));
  }

  private async dispatch(session: WsSession, msg: AgentMessage): Promise<void> {
    const nodeId = session.nodeId;
    switch (msg.type) {
      case "hello":
        return this.cp.hello(
          nodeId,
          msg.fingerprint,
          msg.allocs,
          msg.peer,
          session.remoteAddress,
          msg.sync,
        );
      case "heartbeat":
        // With server pings the server measured the round trip itself (the pong came first).
        return this.cp.heartbeat(nodeId, msg.peers, session.takeRtt() ?? msg.serverRttMs);
      case "probe-result":
        return this.cp.probeResult(nodeId, msg.nodeId, { ok: msg.ok, rttMs: msg.rttMs });
      case "alloc-status":
        return this.cp.allocReports(nodeId, [msg.report]);
      case "alloc-statuses":
        return this.cp.allocReports(nodeId, msg.reports);
      case "ack":
        return;
      case "resync":
        return this.cp.resync(nodeId);
      case "logs-result":
        return this.cp.logs.answer(msg.requestId, msg);
    }
  }

  close(): void {
    this.pinger.stop();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
