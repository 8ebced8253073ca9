import { connect, createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import type { EndpointTable } from "./endpoint-table.js";
import { pickEndpoint } from "./pick.js";

/** A connection not established within this time counts as a connection failure. */
const CONNECT_TIMEOUT_MS = 1000;

/**
 * Plain TCP forwarding for services with `lb.tcpPort`: a local port per service; each accepted
 * connection goes to an endpoint chosen by the service's policy (`consistent_hash` by the
 * client's address, `least_requests` by open connections). A refused (or not made within 1 s)
 * connection is retried once on another endpoint before any byte is passed on, and the endpoint
 * is ejected as for HTTP.
 */
export class TcpForwarder {
  private readonly listeners = new Map<number, { service: string; server: Server }>();
  /** Open connections (both sides), ended when the forwarder closes. */
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly table: EndpointTable,
    private readonly host: string,
    private readonly logger: Logger,
    private readonly random: () => number,
  ) {}

  /** Opens and closes local ports to match the services' `tcpPort` (after each push). */
  sync(): void {
    const wanted = new Map<number, string>();
    for (const s of this.table.list()) {
      if (s.tcpPort && !wanted.has(s.tcpPort)) wanted.set(s.tcpPort, s.name);
    }
    for (const [port, l] of this.listeners) {
      if (wanted.get(port) === l.service) continue;
      l.server.close();
      this.listeners.delete(port);
    }
    for (const [port, service] of wanted) if (!this.listeners.has(port)) this.open(port, service);
  }

  close(): void {
    for (const l of this.listeners.values()) l.server.close();
    this.listeners.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  /** The local ports open now, by service. */
  ports(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [port, l] of this.listeners) out[l.service] = port;
    return out;
  }

  private open(port: number, service: string): void {
    const server = createServer((client) => this.accept(service, client));
    const entry = { service, server };
    server.on("error", (err) => {
      this.logger.warn({ service, port, err: err.message }, "cannot forward TCP for the service");
      if (this.listeners.get(port) === entry) this.listeners.delete(port);
    });
    server.listen(port, this.host, () =>
      this.logger.info({ service, tcp: `${this.host}:${port}` }, "forwarding TCP"),
    );
    this.listeners.set(port, entry);
  }

  private accept(service: string, client: Socket): void {
    const tried = new Set<string>();
    let upstream: Socket | null = null;
    this.track(client);
    client.on("error", () => upstream?.destroy());
    client.on("close", () => upstream?.destroy());
    const attempt = (): void => {
      const s = this.table.get(service);
      const list = s ? this.table.eligible(s, Date.now(), tried) : [];
      const ep =
        s &&
        pickEndpoint(s.policy, list, {
          random: this.random,
          next: () => s.counter++,
          hashKey: client.remoteAddress,
        });
      if (!ep) {
        client.destroy();
        return;
      }
      tried.add(ep.id);
      ep.inflight++;
      ep.requests++;
      ep.lastSentAt = Date.now();
      let connected = false;
      let open = true;
      const finish = () => {
        if (open) ep.inflight--;
        open = false;
      };
      const up = connect({ host: ep.address, port: ep.port });
      upstream = up;
      this.track(up);
      const timer = setTimeout(
        () => up.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS}ms`)),
        CONNECT_TIMEOUT_MS,
      );
      up.once("connect", () => {
        connected = true;
        clearTimeout(timer);
        this.table.connected(ep);
        client.pipe(up);
        up.pipe(client);
      });
      up.on("error", () => {
        clearTimeout(timer);
        finish();
        if (connected || client.destroyed) {
          client.destroy();
          return;
        }
        this.table.connectFailed(ep, Date.now());
        if (tried.size < 2) attempt();
        else client.destroy();
      });
      up.on("close", () => {
        clearTimeout(timer);
        finish();
      });
    };
    attempt();
  }
}
