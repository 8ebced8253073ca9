import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { BrinkError, parseDuration } from "../../model/index.js";
import type { ControlPlane } from "../control-plane.js";
import { fingerprintSchema } from "../gateway/parse-message.js";
import { assertActsFor } from "./auth.js";
import { type PageQuery, paginate } from "./paginate.js";
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

  app.get<{ Querystring: PageQuery & { status?: string; site?: string } }>(
    "/v1/nodes",
    async (req, reply) => {
      const { status, site } = req.query;
      const nodes = cp
        .listNodes()
        .filter((n) => (!status || n.status === status) && (!site || n.site === site));
      return paginate(nodes, (n) => n.name, req.query, reply);
    },
  );

  app.post<{ Params: { id: string } }>("/v1/nodes/:id/eligibility", async (req) => {
    const body = parseBody(
      z.strictObject({ eligible: z.boolean() }),
      req.body,
      "BAD_REQUEST",
      "eligibility request",
    );
    return cp.setEligibility(req.params.id, body.eligible);
  });

  app.post<{ Params: { id: string } }>("/v1/nodes/:id/drain", async (req) => {
    const schema = z.strictObject({ deadline: z.union([z.number(), z.string()]).default("1h") });
    const body = parseBody(schema, req.body ?? {}, "BAD_REQUEST", "drain request");
    const ms = parseDuration(body.deadline);
    if (ms === undefined || ms <= 0) {
      throw new BrinkError(
        "BAD_REQUEST",
        `deadline "${body.deadline}" is not a positive duration like "5m"`,
      );
    }
    return cp.drainNode(req.params.id, ms);
  });

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
