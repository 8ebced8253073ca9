import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { systemClock } from "../model/index.js";
import { openStore, type Store } from "../store/index.js";
import { buildApp } from "./app.js";
import type { ServerConfig } from "./config.js";
import { ControlPlane } from "./control-plane.js";
import { instrumentStore, ServerMetrics } from "./metrics.js";
import { ensureBootstrapTokens } from "./tokens.js";

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  cp: ControlPlane;
  store: Store;
  close(): Promise<void>;
}

/** Opens the store, creates tokens on first start, starts the control plane and listens. */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const metrics = new ServerMetrics();
  const store = instrumentStore(await openStore(config.storeUrl), metrics);
  const tokens = await ensureBootstrapTokens(store, config.dataDir);
  const cp = new ControlPlane({ store, config, logger, metrics, clock: systemClock });
  await cp.start();
  if (config.declaredLinks) {
    await cp.setDeclaredLinks(config.declaredLinks);
    logger.info({ links: config.declaredLinks.length }, "declared links from the config file");
  }
  const { app, gateway } = buildApp({ cp, config, logger, metrics });
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info(
    {
      url,
      dashboard: `${url}/ui/`,
      store: store.kind,
      adminToken: tokens.adminPath,
      joinToken: tokens.joinPath,
    },
    `brink server listening on ${url} (dashboard ${url}/ui/); admin token in ${tokens.adminPath}, join token in ${tokens.joinPath}`,
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      gateway.close();
      await cp.close();
      await app.close();
      await store.close();
    })();
    return closing;
  };
  return { url, app, cp, store, close };
}
