import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { BrinkError } from "../model/index.js";
import { allocationRoutes } from "./api/allocations.js";
import { authHook } from "./api/auth.js";
import { installErrorHandlers } from "./api/errors.js";
import { eventRoutes } from "./api/events.js";
import { jobRoutes } from "./api/jobs.js";
import { nodeRoutes } from "./api/nodes.js";
import { openApiDocument } from "./api/openapi.js";
import { serviceRoutes } from "./api/services.js";
import { topologyRoutes } from "./api/topology.js";
import { installYamlParser } from "./api/yaml-body.js";
import type { ServerConfig } from "./config.js";
import type { ControlPlane } from "./control-plane.js";
import { AgentGateway } from "./gateway/agent-gateway.js";
import type { ServerMetrics } from "./metrics.js";
import { uiRoutes } from "./ui.js";
import { BRINK_VERSION } from "./version.js";

export interface AppDeps {
  cp: ControlPlane;
  config: ServerConfig;
  logger: Logger;
  metrics: ServerMetrics;
}

/** Request bodies above this are refused with 413. */
export const BODY_LIMIT = 1 << 20;

function installMetrics(app: FastifyInstance, deps: AppDeps): void {
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    const labels = { method: req.method, route };
    deps.metrics.httpRequests.inc({ ...labels, status: String(reply.statusCode) });
    deps.metrics.httpSeconds.observe(labels, reply.elapsedTime / 1000);
  });
  app.get("/metrics", { config: { public: true } }, async (req, reply) => {
    if (deps.config.metricsAuth) {
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const who = token ? await deps.cp.authenticate(token) : undefined;
      if (who?.role !== "admin")
        throw new BrinkError("UNAUTHORIZED", "metrics need the admin token");
    }
    deps.cp.updateGauges();
    return reply
      .type(deps.metrics.registry.contentType)
      .send(await deps.metrics.registry.metrics());
  });
}

/** Builds the control plane's HTTP app (API, agent gateway, metrics). Only `main` listens. */
export function buildApp(deps: AppDeps): { app: FastifyInstance; gateway: AgentGateway } {
  const app: FastifyInstance = Fastify({
    // Per-request lines are logged at info; the http logger keeps warnings and errors only.
    loggerInstance: deps.logger.child(
      { component: "http" },
      { level: "warn" },
    ) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
  });
  installErrorHandlers(app);
  installYamlParser(app);
  app.addHook("onRequest", authHook(deps.cp));
  installMetrics(app, deps);
  app.get("/v1/health", { config: { public: true } }, async () => ({
    status: "ok",
    version: BRINK_VERSION,
  }));
  app.get("/v1/openapi.json", async () => openApiDocument(BRINK_VERSION));
  nodeRoutes(app, deps.cp);
  jobRoutes(app, deps.cp);
  allocationRoutes(app, deps.cp, deps.config.logTailBytes);
  topologyRoutes(app, deps.cp);
  eventRoutes(app, deps.cp, deps.metrics, deps.config.eventPingMs);
  serviceRoutes(app, deps.cp);
  app.register((ui) => uiRoutes(ui));
  const gateway = new AgentGateway(deps.cp, deps.logger.child({ component: "gateway" }), {
    heartbeatIntervalMs: deps.config.heartbeatIntervalMs,
    maxPendingJoins: deps.config.maxPendingJoins,
    onBusy: () => deps.metrics.sessionsRefused.inc({ reason: "busy" }),
    count: (direction, type) => deps.metrics.agentMessage(direction, type),
  });
  gateway.attach(app.server);
  return { app, gateway };
}
