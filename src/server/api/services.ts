import type { FastifyInstance } from "fastify";
import type { ControlPlane } from "../control-plane.js";

/** Services and their endpoints; `?near=<node>` sorts endpoints by RTT from that node. */
export function serviceRoutes(app: FastifyInstance, cp: ControlPlane): void {
  app.get<{ Querystring: { near?: string } }>("/v1/services", async (req) =>
    cp.services.list(req.query.near),
  );
  app.get<{ Params: { name: string }; Querystring: { near?: string } }>(
    "/v1/services/:name",
    async (req) => cp.services.get(req.params.name, req.query.near),
  );
}
