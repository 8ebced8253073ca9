import { mkdir } from "node:fs/promises";
import type { Logger } from "pino";
import { ApiError } from "../client/api-error.js";
import type { AgentMessage, ServerMessage } from "../model/index.js";
import { AllocManager } from "./alloc-manager.js";
import type { AgentConfig } from "./config.js";
import { loadCredential, type NodeCredential, saveCredential } from "./credentials.js";
import { DesiredState } from "./desired-state.js";
import { createDriverRegistry } from "./drivers/registry.js";
import { fingerprint } from "./fingerprint/index.js";
import { joinRequest } from "./join-request.js";
import { startLoadBalancer } from "./lb/load-balancer.js";
import { SocketInUseError, startLocalApi } from "./local-api/server.js";
import { localApiSocket } from "./local-api/socket-path.js";
import { LocalState } from "./local-state.js";
import { startPeering } from "./peer/index.js";
import { PortPool } from "./ports/port-pool.js";
import { ReportBatcher } from "./report-batcher.js";
import { AgentSessionClient, backoffDelay } from "./session.js";

/** An error that ends the agent with a message for the operator (and exit code 2). */
export class AgentFatalError extends Error {}

export interface RunningAgent {
  nodeId: string;
  /**
   * Ends the agent. Its tasks keep running (the next agent process adopts them) unless
   * `stopTasks` is set.
   */
  close(opts?: { stopTasks?: boolean }): Promise<void>;
}

function sessionUrl(serverUrl: string): string {
  const u = new URL(serverUrl);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.pathname = "/v1/agent/session";
  return u.toString();
}

function driverRegistry(config: AgentConfig) {
  return createDriverRegistry(config.taskPath ? { exec: { path: config.taskPath } } : {});
}

async function joinOnce(config: AgentConfig, logger: Logger): Promise<NodeCredential> {
  if (!config.joinToken) {
    throw new AgentFatalError(
      `this node has no credential in ${config.dataDir} yet: pass --join-token TOKEN or --join-token-file FILE (the server writes it to <server data dir>/join.token)`,
    );
  }
  const token = config.joinToken;
  const fp = await fingerprint({ dataDir: config.dataDir, drivers: driverRegistry(config) });
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await joinRequest(config.serverUrl, token, {
        name: config.name,
        site: config.site,
        labels: config.labels,
        fingerprint: fp,
      });
      const cred = {
        nodeId: answer.nodeId,
        name: answer.name,
        token: answer.token,
        serverUrl: config.serverUrl,
      };
      await saveCredential(config.dataDir, cred);
      logger.info({ nodeId: cred.nodeId, name: cred.name }, "joined the cluster");
      return cred;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        throw new AgentFatalError(
          `the server at ${config.serverUrl} refused the join token (${err.message}); use the token from the server's <data dir>/join.token`,
        );
      }
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
        throw new AgentFatalError(`join refused: ${err.message}`);
      }
      const delay = backoffDelay(
        attempt,
        config.reconnectMinMs,
        config.reconnectMaxMs,
        Math.random,
      );
      logger.warn({ err: (err as Error).message, retryInMs: delay }, "join failed; retrying");
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * Runs the node agent: join (or reuse the stored credential), hold the session, run what the
 * server asks through the drivers, report status. Resolves once the session is started.
 */
export async function startAgent(config: AgentConfig, logger: Logger): Promise<RunningAgent> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const stored = await loadCredential(config.dataDir);
  let cred =
    stored && stored.serverUrl === config.serverUrl && stored.name === config.name
      ? stored
      : await joinOnce(config, logger);
  const drivers = driverRegistry(config);
  const local = new LocalState(config.dataDir);
  let session: AgentSessionClient | null = null;
  // Reports are numbered and acknowledged; after a reconnect the hello re-reports every status.
  const reports = new ReportBatcher((msg) => session?.send(msg));
  const manager = new AllocManager({
    dataDir: config.dataDir,
    nodeId: () => cred.nodeId,
    drivers,
    logger,
    report: (report) => reports.push(report),
    taskPath: config.taskPath,
    ports: new PortPool(config.portRange),
  });
  // Edge autonomy: serve local operators, then resume from local state without the server.
  const localApi = await startLocalApi(localApiSocket(config.dataDir), manager, logger).catch(
    (err: unknown) => {
      throw err instanceof SocketInUseError ? new AgentFatalError(err.message) : err;
    },
  );
  const restored = await local.load();
  const desired = new DesiredState(restored, await local.loadSync());
  await manager.restore(restored);
  const peering = await startPeering(config.peerListen, () => cred.nodeId, logger);
  const { lb } = await startLoadBalancer(config.lbListen, { logger }).catch((err: unknown) => {
    peering.close();
    void localApi.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE" || e.code === "EADDRNOTAVAIL" || e.code === "EACCES") {
      const at = `${config.lbListen.host}:${config.lbListen.port}`;
      throw new AgentFatalError(
        `the load balancer cannot listen on ${at} (${e.code}); pick another address with --lb-listen HOST:PORT (port 0 = any free port)`,
      );
    }
    throw err;
  });
  const hello = async (): Promise<AgentMessage> => ({
    type: "hello",
    fingerprint: await fingerprint({ dataDir: config.dataDir, drivers }),
    allocs: manager.reports(),
    peer: peering.advertised,
    ...(desired.at ? { sync: desired.at } : {}),
  });
  const onMessage = (msg: ServerMessage) => {
    if (peering.onMessage(msg, (m) => session?.send(m))) return;
    if (lb.onMessage(msg)) return;
    if (msg.type === "allocs") {
      const outcome = desired.apply(msg);
      if (outcome === "resync") {
        session?.send({ type: "resync" });
        return;
      }
      if (outcome === "applied") {
        const list = desired.list();
        manager.reconcile(list);
        void local
          .save(list, desired.at)
          .catch((err: unknown) => logger.error({ err }, "saving local state failed"));
      }
      session?.ack({ epoch: msg.epoch, seq: msg.seq });
    } else if (msg.type === "logs") {
      manager
        .readLog(msg.allocId, msg.stream, msg.tailBytes)
        .then((data) =>
          session?.send({ type: "logs-result", requestId: msg.requestId, ok: true, data }),
        )
        .catch((err: Error) =>
          session?.send({
            type: "logs-result",
            requestId: msg.requestId,
            ok: false,
            error: err.message,
          }),
        );
    }
  };
  const onUnauthorized = () => {
    logger.warn("the server refused this node's credential; rejoining with the join token");
    joinOnce(config, logger)
      .then((fresh) => {
        cred = fresh;
        session?.setToken(fresh.token);
        session?.resume();
      })
      .catch((err: Error) => {
        logger.fatal({ err: err.message }, "cannot rejoin");
        process.exitCode = 2;
        process.kill(process.pid, "SIGTERM");
      });
  };
  session = new AgentSessionClient(
    {
      url: sessionUrl(config.serverUrl),
      token: cred.token,
      minDelayMs: config.reconnectMinMs,
      maxDelayMs: config.reconnectMaxMs,
      logger,
    },
    { hello, onMessage, onUnauthorized, heartbeat: () => peering.heartbeat() },
  );
  session.start();
  return {
    get nodeId() {
      return cred.nodeId;
    },
    async close(opts = {}) {
      session?.close();
      peering.close();
      await lb.close();
      await localApi.close();
      await (opts.stopTasks ? manager.stopAll() : manager.release());
    },
  };
}
