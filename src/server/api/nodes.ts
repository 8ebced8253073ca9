import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { BrinkError } from "../../model/index.js";
import type { ControlPlane } from "../control-plane.js";
import { fingerprintSchema } from "../gateway/parse-message.js";
import { assertActsFor } from "./auth.js";
import { parseBody } from "./parse-body.js";

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export const joinSchema = z.strictObject({
  name: z.string().regex(NAME_RE, "node names are 1-63 letters, digits, '-', '_' or '.'"),
  site: z.string().regex(NAME_RE, "site names are 1-63 letters, digits, '-', '_' or '.'"),
  labels: z.record(z.string(), z.string()).default({}),
  fingerprint: fingerprintSchema,
});

export function nodeRoutes(app: FastifyInstance, cp: ControlPlane): void {
  app.post("/v1/nodes/join", { config: { roles: ["join"] } }, async (req, reply) => {
    const body = parseBody(joinSchema, req.body, "BAD_REQUEST", "join request");
    for (const key of Object.keys(body.labels)) {
      if (key.startsWith("brink/")) {
        throw new BrinkError(
          "BAD_REQUEST",
          `label "${key}" is reserved: brink/* labels are set by Brink`,
        );
      }
    }
    const { node, token } = await cp.joinNode(body);
    return reply.status(201).send({ nodeId: node.id, name: node.name, token });
  });

  app.get("/v1/nodes", async () => cp.listNodes());

  app.get<{ Params: { id: string } }>(
    "/v1/nodes/:id",
    { config: { roles: ["node"] } },
    async (req) => {
      const node = cp.getNode(req.params.id);
      assertActsFor(req, node.id);
      return node;
    },
  );
}
