import type { FastifyInstance } from "fastify";
import type { ControlPlane } from "../control-plane.js";
import { declaredLinksSchema } from "../topology/declared.js";
import { parseBody } from "./parse-body.js";

export function topologyRoutes(app: FastifyInstance, cp: ControlPlane): void {
  app.get("/v1/topology", async () => cp.topology());

  /** Replaces the declared links: `[{from, to, latencyMs, bandwidthMbps}]`. */
  app.put("/v1/topology/links", async (req) => {
    const links = parseBody(declaredLinksSchema, req.body, "BAD_REQUEST", "declared links");
    return cp.setDeclaredLinks(links);
  });
}
