import type { FastifyInstance } from "fastify";
import { BrinkError } from "../../model/index.js";
import type { ControlPlane } from "../control-plane.js";
import { type PageQuery, paginate } from "./paginate.js";

interface LogsQuery {
  stream?: string;
  tail?: string;
}

export function allocationRoutes(
  app: FastifyInstance,
  cp: ControlPlane,
  tailDefault: number,
): void {
  app.get<{ Querystring: PageQuery & { status?: string; node?: string } }>(
    "/v1/allocations",
    async (req, reply) => {
      const { status, node } = req.query;
      const allocs = cp
        .listAllocations()
        .filter((a) => (!status || a.status === status) && (!node || a.nodeId === node))
        .sort((a, b) => a.id.localeCompare(b.id));
      return paginate(allocs, (a) => a.id, req.query, reply);
    },
  );

  app.get<{ Params: { id: string } }>("/v1/allocations/:id", async (req) =>
    cp.getAllocation(req.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: LogsQuery }>(
    "/v1/allocations/:id/logs",
    async (req, reply) => {
      const stream = req.query.stream ?? "stdout";
      if (stream !== "stdout" && stream !== "stderr") {
        throw new BrinkError("BAD_REQUEST", `stream must be stdout or stderr, not "${stream}"`);
      }
      const tail = req.query.tail === undefined ? tailDefault : Number(req.query.tail);
      if (!Number.isInteger(tail) || tail <= 0) {
        throw new BrinkError("BAD_REQUEST", "tail must be a positive whole number of bytes");
      }
      const text = await cp.logsFor(req.params.id, stream, tail);
      return reply.type("text/plain; charset=utf-8").send(text);
    },
  );
}
