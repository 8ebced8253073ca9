import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { ServerMessage } from "../../model/index.js";
import {
  type EjectionPolicy,
  type EndpointState,
  EndpointTable,
  type ServiceEntry,
} from "./endpoint-table.js";
import { decayed, pickEndpoint } from "./pick.js";
import { TcpForwarder } from "./tcp-forwarder.js";

/** Request bodies up to this size are buffered so a failed attempt can be retried elsewhere. */
export const RETRY_BODY_LIMIT = 1 << 20;
/** Answers up to this size (with Content-Length) are sent on in one write. */
const SMALL_ANSWER = 64 << 10;
/** A connection not established within this time counts as a connection failure. */
const CONNECT_TIMEOUT_MS = 1000;
/** Path prefix of the load balancer's own status page (no service name starts with "_"). */
export const STATUS_PATH = "/_brink/services";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  }
  return out;
}

function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", "x-brink-lb": "error" });
  res.end(
    JSON.stringify({
      error: { code: status === 404 ? "SERVICE_NOT_FOUND" : "UNAVAILABLE", message },
    }),
  );
}

/** `/<service>/<rest>?q` → the service name and `/<rest>?q`. */
export function splitTarget(url: string): { service: string; path: string } | undefined {
  const m = /^\/([^/?#]+)([^#]*)/.exec(url);
  if (!m?.[1]) return undefined;
  let service: string;
  try {
    service = decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  const rest = m[2] ?? "";
  return { service, path: rest.startsWith("/") ? rest : `/${rest}` };
}

/** One request being forwarded. */
interface Forward {
  req: IncomingMessage;
  res: ServerResponse;
  service: ServiceEntry;
  path: string;
  headers: Record<string, string | string[]>;
  /** The buffered body; null when it is streamed (too large to retry). */
  body: Buffer | null;
  tried: Set<string>;
}

export interface LoadBalancerOptions {
  logger: Logger;
  ejection?: EjectionPolicy;
  random?: () => number;
}

/**
 * The agent's local load balancer: `http://<listen>/<service>/<path>` is forwarded to `/<path>`
 * on a healthy endpoint of the service chosen by the service's policy, over kept-alive
 * connections. A connection that fails (refused, reset before any answer on an idempotent or
 * reused connection, not made within 1 s) is retried once on another endpoint, and the endpoint
 * is ejected for a while (passive ejection); the control plane's pushes take endpoints whose
 * check fails out of the list.
 */
export class LoadBalancer {
  readonly table: EndpointTable;
  private readonly server: Server;
  private readonly agent = new Agent({
    keepAlive: true,
    maxSockets: 512,
    maxFreeSockets: 128,
    scheduling: "lifo",
    // Below Node's default server keep-alive (5 s): idle connections are closed here first.
    timeout: 4000,
  });
  private readonly random: () => number;
  private readonly sockets = new Set<Socket>();
  private readonly logger: Logger;
  private tcp: TcpForwarder | null = null;

  constructor(opts: LoadBalancerOptions) {
    this.logger = opts.logger;
    this.table = new EndpointTable(opts.ejection);
    this.random = opts.random ?? Math.random;
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const addr = this.server.address();
        this.tcp = new TcpForwarder(this.table, host, this.logger, this.random);
        resolve({ host, port: typeof addr === "object" && addr ? addr.port : port });
      });
    });
  }

  /** Applies a `services` push; false for other messages. */
  onMessage(msg: ServerMessage): boolean {
    if (msg.type !== "services") return false;
    this.table.apply(msg);
    this.tcp?.sync();
    return true;
  }

  close(): Promise<void> {
    this.tcp?.close();
    this.agent.destroy();
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "/";
    if (url === STATUS_PATH) {
      this.status(res);
      return;
    }
    const target = splitTarget(url);
    const service = target && this.table.get(target.service);
    if (!target || !service) {
      req.resume();
      fail(
        res,
        404,
        target
          ? `no service "${target.service}" is known to this node's load balancer (GET /v1/services lists them)`
          : "use /<service>/<path>",
      );
      return;
    }
    const headers = endToEnd(req.headers);
    const forwardedFor = req.socket.remoteAddress ?? "";
    const prior = headers["x-forwarded-for"];
    headers["x-forwarded-for"] = prior ? `${String(prior)}, ${forwardedFor}` : forwardedFor;
    const fwd: Forward = {
      req,
      res,
      service,
      path: target.path,
      headers,
      body: null,
      tried: new Set(),
    };
    this.readBody(fwd);
  }

  /** Buffers small bodies (so a failed attempt can be retried); streams large ones. */
  private readBody(fwd: Forward): void {
    const { req } = fwd;
    const length = Number(req.headers["content-length"] ?? 0);
    const chunked = req.headers["transfer-encoding"] !== undefined;
    if (!chunked && length === 0) {
      fwd.body = Buffer.alloc(0);
      fwd.headers["content-length"] = "0";
      this.attempt(fwd);
      return;
    }
    if (!chunked && length > RETRY_BODY_LIMIT) {
      this.attempt(fwd);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 16 * RETRY_BODY_LIMIT) {
        fail(fwd.res, 413, "a chunked request body over 16 MiB; send Content-Length to stream it");
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (fwd.res.headersSent) return;
      fwd.body = Buffer.concat(chunks);
      fwd.headers["content-length"] = String(fwd.body.length);
      this.attempt(fwd);
    });
    req.on("error", () => fwd.res.destroy());
  }

  private choose(fwd: Forward): EndpointState | undefined {
    const { service } = fwd;
    const list = this.table.eligible(service, Date.now(), fwd.tried);
    const header = service.hashHeader ? fwd.req.headers[service.hashHeader] : undefined;
    return pickEndpoint(service.policy, list, {
      random: this.random,
      next: () => service.counter++,
      hashKey: Array.isArray(header) ? header.join(",") : header,
    });
  }

  private attempt(fwd: Forward, lastError?: string): void {
    const ep = this.choose(fwd);
    if (!ep) {
      const why =
        fwd.tried.size === 0
          ? `service "${fwd.service.name}" has no healthy endpoint`
          : `every endpoint of "${fwd.service.name}" tried failed (${lastError ?? "error"})`;
      fail(fwd.res, fwd.tried.size === 0 ? 503 : 502, why);
      return;
    }
    fwd.tried.add(ep.id);
    ep.inflight++;
    ep.requests++;
    ep.lastSentAt = Date.now();
    const started = performance.now();
    let done = false;
    let connected = false;
    const finish = () => {
      if (done) return;
      done = true;
      ep.inflight--;
    };
    const upstream = request({
      host: ep.address,
      port: ep.port,
      method: fwd.req.method,
      path: fwd.path,
      headers: fwd.headers,
      agent: this.agent,
    });
    upstream.on("socket", (socket: Socket) => {
      if (!socket.connecting) {
        connected = true;
        return;
      }
      const timer = setTimeout(
        () => upstream.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS}ms`)),
        CONNECT_TIMEOUT_MS,
      );
      socket.once("connect", () => {
        connected = true;
        clearTimeout(timer);
      });
      socket.once("close", () => clearTimeout(timer));
    });
    upstream.on("response", (answer) => {
      this.table.answered(ep, performance.now() - started, Date.now());
      fwd.res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
      answer.on("error", () => {
        finish();
        fwd.res.destroy();
      });
      const length = Number(answer.headers["content-length"] ?? Number.NaN);
      if (!(length <= SMALL_ANSWER)) {
        answer.pipe(fwd.res);
        answer.on("end", finish);
        return;
      }
      // A small answer goes out in one write with its headers (one syscall instead of two or three).
      const chunks: Buffer[] = [];
      answer.on("data", (c: Buffer) => chunks.push(c));
      answer.on("end", () => {
        finish();
        fwd.res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      });
    });
    upstream.on("error", (err: NodeJS.ErrnoException) => {
      finish();
      if (fwd.res.headersSent) {
        fwd.res.destroy();
        return;
      }
      const now = Date.now();
      if (!connected) this.table.connectFailed(ep, now);
      else ep.failures++;
      // Nothing reached the endpoint (no connection), or the connection was reset before any
      // answer where sending again is safe: try once more elsewhere.
      const safe = !connected || upstream.reusedSocket || IDEMPOTENT.has(fwd.req.method ?? "");
      const reason = `${ep.node} ${ep.address}:${ep.port}: ${err.code ?? err.message}`;
      if (fwd.body !== null && fwd.tried.size < 2 && safe) {
        this.attempt(fwd, reason);
        return;
      }
      fail(fwd.res, 502, `endpoint failed: ${reason}`);
    });
    fwd.res.on("close", () => {
      if (!fwd.res.writableFinished) upstream.destroy();
      finish();
    });
    if (fwd.body !== null) upstream.end(fwd.body);
    else fwd.req.pipe(upstream);
  }

  private status(res: ServerResponse): void {
    const now = Date.now();
    const tcpPorts = this.tcp?.ports() ?? {};
    const services = this.table.list().map((s) => ({
      name: s.name,
      policy: s.policy,
      ...(s.hashHeader ? { hashHeader: s.hashHeader } : {}),
      ...(tcpPorts[s.name] ? { tcpPort: tcpPorts[s.name] } : {}),
      endpoints: s.endpoints.map((e) => ({
        id: e.id,
        node: e.node,
        address: e.address,
        port: e.port,
        healthy: e.healthy,
        ejected: e.ejectedUntil > now,
        rttMs: e.rttMs,
        ewmaMs:
          e.ewmaMs === undefined ? null : Math.round(decayed(e.ewmaMs, now - e.ewmaAt) * 100) / 100,
        inflight: e.inflight,
        requests: e.requests,
        failures: e.failures,
        lastSentAt: e.lastSentAt === 0 ? null : new Date(e.lastSentAt).toISOString(),
      })),
    }));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(services));
  }
}

/** Starts the load balancer on `listen` (port 0 = any free port). */
export async function startLoadBalancer(
  listen: { host: string; port: number },
  opts: LoadBalancerOptions,
): Promise<{ lb: LoadBalancer; port: number }> {
  const lb = new LoadBalancer(opts);
  const bound = await lb.listen(listen.host, listen.port);
  opts.logger.info({ lb: `${listen.host}:${bound.port}` }, "load balancer open");
  return { lb, port: bound.port };
}
