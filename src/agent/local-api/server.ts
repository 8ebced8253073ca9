import { chmod, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect } from "node:net";
import type { Logger } from "pino";
import { ERROR_CODES, type ErrorCode } from "../../model/errors.js";
import { type LocalAllocView, LocalOpError } from "../alloc-manager.js";

/** What the local API serves (the alloc manager). */
export interface LocalApiOps {
  list(): LocalAllocView[];
  stopLocally(idOrPrefix: string): Promise<LocalAllocView>;
}

export interface LocalApi {
  /** The socket path, or undefined when the API could not listen (the agent runs on). */
  readonly socketPath: string | undefined;
  close(): Promise<void>;
}

/** Another agent process answers on the socket: two agents must never share a data dir. */
export class SocketInUseError extends Error {}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  send(res, ERROR_CODES[code], { error: { code, message } });
}

/** Whether something answers on the unix socket at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

async function route(ops: LocalApiOps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://agent");
  const stop = /^\/v1\/allocs\/([^/]+)\/stop$/.exec(url.pathname);
  if (req.method === "GET" && url.pathname === "/v1/allocs") {
    send(res, 200, { allocs: ops.list() });
  } else if (req.method === "POST" && stop?.[1] !== undefined) {
    send(res, 200, { alloc: await ops.stopLocally(decodeURIComponent(stop[1])) });
  } else {
    sendError(res, "NOT_FOUND", `no route ${req.method ?? "?"} ${url.pathname}`);
  }
}

function handler(ops: LocalApiOps, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume(); // no request bodies; drain whatever comes
    route(ops, req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof LocalOpError) return sendError(res, err.code, err.message);
      logger.error({ err }, "local API request failed");
      sendError(res, "INTERNAL", err instanceof Error ? err.message : String(err));
    });
  };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * Serves the agent's local JSON API on a unix socket (mode 0600) in its data dir, so operators
 * on the node can list and stop allocations while the control plane is unreachable:
 * `GET /v1/allocs`, `POST /v1/allocs/<id or prefix>/stop`. A stale socket file is removed; a
 * live one (another agent on the same data dir) throws SocketInUseError. Any other failure to
 * listen is logged and the agent runs on without the API.
 */
export async function startLocalApi(
  socketPath: string,
  ops: LocalApiOps,
  logger: Logger,
): Promise<LocalApi> {
  if (await answers(socketPath)) {
    throw new SocketInUseError(
      `another agent is running with this data dir (${socketPath} answers)`,
    );
  }
  const server = createServer(handler(ops, logger));
  try {
    await rm(socketPath, { force: true });
    await listen(server, socketPath);
    await chmod(socketPath, 0o600);
  } catch (err) {
    logger.error({ err, socketPath }, "local API unavailable");
    server.close();
    return { socketPath: undefined, close: async () => {} };
  }
  server.on("error", (err) => logger.error({ err }, "local API error"));
  server.on("clientError", (_err, socket) => socket.destroy());
  logger.info({ socketPath }, "local API listening");
  return {
    socketPath,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(socketPath, { force: true }).catch(() => undefined);
    },
  };
}
