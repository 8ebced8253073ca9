import type { Logger } from "pino";
import WebSocket from "ws";
// Not from model/index.js: that would load zod (the job-spec and event schemas) into every
// agent, ≈ 4 MB of an idle agent's RSS that a small device does not need.
import {
  ACK_DELAY_MS,
  AGENT_FEATURES_HEADER,
  type AgentMessage,
  SERVER_PING_FEATURE,
  type ServerMessage,
  type SyncPoint,
} from "../model/protocol.js";

export interface SessionHandlers {
  /** Builds the `hello` sent first on every (re)connect. */
  hello(): Promise<AgentMessage>;
  onMessage(msg: ServerMessage): void;
  /** The server refused the credential (401/403 or close 4401): the agent must rejoin. */
  onUnauthorized(): void;
  /** Builds each heartbeat (e.g. with peer reports); default a bare heartbeat. */
  heartbeat?(): AgentMessage;
}

export interface SessionOptions {
  url: string;
  token: string;
  minDelayMs: number;
  maxDelayMs: number;
  logger: Logger;
  random?: () => number;
}

/** Full-jitter exponential backoff: a random delay in [min, min(max, min·2^attempt)]. */
export function backoffDelay(
  attempt: number,
  min: number,
  max: number,
  random: () => number,
): number {
  const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 20));
  return Math.round(min + random() * (ceiling - min));
}

/** The protocol features this agent offers the server (see `AGENT_FEATURES_HEADER`). */
export const AGENT_FEATURES = [SERVER_PING_FEATURE] as const;

/**
 * The agent's one WebSocket session to the control plane. It dials out (works behind NAT),
 * sends `hello` then heartbeats at the interval the server asks for — as answers to the server's
 * pings when the server offers them, else on its own timer — and reconnects with jittered
 * exponential backoff whenever the link drops.
 */
export class AgentSessionClient {
  private ws: WebSocket | null = null;
  /** The heartbeat timer, or the watchdog for the server's pings (see `answerPings`). */
  private heartbeat: NodeJS.Timeout | null = null;
  /** The server pings this session and each ping is answered with a heartbeat. */
  private answeringPings = false;
  private retry: NodeJS.Timeout | null = null;
  private attempt = 0;
  /** The server said it is busy admitting others (503 + Retry-After): wait at least this long. */
  private retryAfterMs = 0;
  private closed = false;
  /**
   * Smoothed round trip to the server (ms), from this agent's own pings; with server pings the
   * server measures it.
   */
  private serverRtt: number | undefined;
  /** Set when the server refused the credential; `resume` after a rejoin. */
  private paused = false;
  private token: string;
  /** The newest desired-state message applied and not yet acknowledged (see `ack`). */
  private pendingAck: SyncPoint | null = null;
  private ackTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly opts: SessionOptions,
    private readonly handlers: SessionHandlers,
  ) {
    this.token = opts.token;
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  setToken(token: string): void {
    this.token = token;
  }

  start(): void {
    this.closed = false;
    this.connect();
  }

  send(msg: AgentMessage): boolean {
    if (!this.connected || !this.ws) return false;
    let out = msg;
    if (
      this.pendingAck &&
      (msg.type === "alloc-status" || msg.type === "alloc-statuses" || msg.type === "heartbeat")
    ) {
      out = { ...msg, ack: this.pendingAck };
      this.clearAck();
    }
    this.ws.send(JSON.stringify(out));
    return true;
  }

  /**
   * Acknowledges desired-state messages up to `at` (cumulative). The acknowledgement rides on the
   * next report or heartbeat — a message that starts tasks is answered by their reports within
   * moments — and is sent alone after `ACK_DELAY_MS` when nothing else went out: one message
   * per change instead of two. Dropped with the session (the next hello says where it is).
   */
  ack(at: SyncPoint): void {
    this.pendingAck = at;
    this.ackTimer ??= setTimeout(() => {
      this.ackTimer = null;
      const pending = this.pendingAck;
      this.pendingAck = null;
      if (pending) this.send({ type: "ack", ...pending });
    }, ACK_DELAY_MS);
  }

  private clearAck(): void {
    this.pendingAck = null;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(this.opts.url, {
      headers: {
        authorization: `Bearer ${this.token}`,
        [AGENT_FEATURES_HEADER]: AGENT_FEATURES.join(","),
      },
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    // The ws library answers the ping itself (the pong goes out before this runs); the heartbeat
    // follows in the same wake-up.
    ws.on("ping", () => {
      if (ws !== this.ws || !this.answeringPings) return;
      this.heartbeat?.refresh();
      this.sendHeartbeat();
    });
    ws.on("open", () => void this.opened(ws));
    ws.on("message", (data) => this.received(data));
    ws.on("unexpected-response", (_req, res) => {
      const status = res.statusCode ?? 0;
      ws.terminate();
      if (status === 401 || status === 403) {
        this.paused = true;
        this.handlers.onUnauthorized();
      } else if (status === 503) {
        const seconds = Number(res.headers["retry-after"]);
        this.retryAfterMs =
          Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 300) * 1000 : 0;
        this.opts.logger.info({ retryAfterMs: this.retryAfterMs }, "server busy admitting others");
      } else this.opts.logger.warn({ status }, "server refused the session");
    });
    ws.on("close", (code) => this.dropped(ws, code));
    ws.on("error", (err) => this.opts.logger.debug({ err: err.message }, "session error"));
  }

  private async opened(ws: WebSocket): Promise<void> {
    this.attempt = 0;
    this.opts.logger.info({ url: this.opts.url }, "session open");
    try {
      const hello = await this.handlers.hello();
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(hello));
    } catch (err) {
      this.opts.logger.error({ err }, "could not build hello");
    }
  }

  private received(data: WebSocket.RawData): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data.toString()) as ServerMessage;
    } catch {
      this.opts.logger.warn("malformed server message dropped");
      return;
    }
    if (msg.type === "welcome") {
      if (msg.serverPings) this.answerPings(msg.heartbeatIntervalMs);
      else this.startHeartbeats(msg.heartbeatIntervalMs);
    }
    try {
      this.handlers.onMessage(msg);
    } catch (err) {
      this.opts.logger.error({ err, type: msg.type }, "server message failed");
    }
  }

  /**
   * Heartbeats at the server's interval, each with a WebSocket ping: a server that stops
   * answering pongs for three intervals (a black-holed link keeps TCP open) is given up on and
   * the session is re-dialled.
   */
  private startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    const every = Math.max(100, intervalMs);
    const ws = this.ws;
    let lastPong = Date.now();
    let pingSent = 0;
    ws?.on("pong", () => {
      lastPong = Date.now();
      // Round trip to the control plane, smoothed (EWMA), reported with heartbeats.
      if (pingSent > 0) {
        const rtt = performance.now() - pingSent;
        this.serverRtt = this.serverRtt === undefined ? rtt : 0.8 * this.serverRtt + 0.2 * rtt;
      }
    });
    this.heartbeat = setInterval(() => {
      if (Date.now() - lastPong > 3 * every + 1000) {
        this.opts.logger.warn("server stopped answering; re-dialling");
        ws?.terminate();
        return;
      }
      this.sendHeartbeat();
      if (ws?.readyState === WebSocket.OPEN) {
        pingSent = performance.now();
        ws.ping();
      }
    }, every);
  }

  /**
   * The server pings every interval and each ping is answered with a heartbeat, so an idle agent
   * wakes once per interval for it (its own timer and the pong were two). A watchdog, pushed back
   * by every ping, re-dials when pings stop for three intervals and a second (a black-holed link
   * keeps TCP open). Node looks at a pushed-back timer only when its old time comes, so the
   * watchdog also wakes the agent once every two intervals and a second: at the default 1 s
   * interval 1.33 wake-ups a second, against 2 before.
   */
  private answerPings(intervalMs: number): void {
    this.stopHeartbeats();
    const ws = this.ws;
    if (!ws) return;
    this.answeringPings = true;
    // The server measures the round trip now; a figure from an earlier session would be stale.
    this.serverRtt = undefined;
    this.heartbeat = setTimeout(
      () => {
        if (ws !== this.ws) return;
        this.opts.logger.warn("server stopped pinging; re-dialling");
        ws.terminate();
      },
      3 * Math.max(100, intervalMs) + 1000,
    );
  }

  private sendHeartbeat(): void {
    const beat = this.handlers.heartbeat?.() ?? { type: "heartbeat" as const };
    if (beat.type === "heartbeat" && this.serverRtt !== undefined) {
      beat.serverRttMs = Math.round(this.serverRtt * 100) / 100;
    }
    this.send(beat);
  }

  private stopHeartbeats(): void {
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = null;
    this.answeringPings = false;
  }

  private dropped(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.clearAck();
    this.stopHeartbeats();
    if (this.closed || this.paused) return;
    if (code === 4401) {
      this.paused = true;
      this.handlers.onUnauthorized();
      return;
    }
    const random = this.opts.random ?? Math.random;
    let delay: number;
    if (this.retryAfterMs > 0) {
      // The server is up but busy admitting others: come back when it says, spread over
      // [Retry-After, 2·Retry-After] so the turned-away agents do not return together. The
      // exponential backoff (for a server that is down) does not grow meanwhile.
      delay = Math.round(this.retryAfterMs * (1 + random()));
      this.retryAfterMs = 0;
    } else {
      delay = backoffDelay(this.attempt++, this.opts.minDelayMs, this.opts.maxDelayMs, random);
    }
    this.opts.logger.warn({ code, retryInMs: delay }, "session lost; reconnecting");
    this.retry = setTimeout(() => this.connect(), delay);
  }

  /** Reconnects after the credential was renewed. */
  resume(): void {
    this.paused = false;
    this.attempt = 0;
    this.connect();
  }

  close(): void {
    this.closed = true;
    this.clearAck();
    this.stopHeartbeats();
    if (this.retry) clearTimeout(this.retry);
    this.ws?.close(1000, "agent stopping");
    this.ws = null;
  }
}
