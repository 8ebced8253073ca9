import type { FastifyInstance } from "fastify";
import { BrinkError, validateJobSpec } from "../../model/index.js";
import type { ControlPlane } from "../control-plane.js";
import { type PageQuery, paginate } from "./paginate.js";

function requireBody(body: unknown): unknown {
  if (body === undefined || body === null || body === "") {
    throw new BrinkError("JOB_INVALID", "request body is empty; send a job spec as JSON or YAML");
  }
  return body;
}

export function jobRoutes(app: FastifyInstance, cp: ControlPlane): void {
  app.post("/v1/jobs", async (req, reply) => {
    const spec = validateJobSpec(requireBody(req.body));
    const { job, evaluation } = await cp.submitJob(spec);
    return reply.status(201).send({ ...job, evalId: evaluation.id });
  });

  app.post("/v1/jobs/plan", async (req) => {
    const spec = validateJobSpec(requireBody(req.body));
    return cp.planJob(spec);
  });

  app.get<{ Querystring: PageQuery & { status?: string } }>("/v1/jobs", async (req, reply) => {
    const jobs = cp.listJobs().filter((j) => !req.query.status || j.status === req.query.status);
    return paginate(jobs, (j) => j.name, req.query, reply);
  });

  app.get<{ Params: { id: string } }>("/v1/jobs/:id", async (req) => cp.getJob(req.params.id));

  app.delete<{ Params: { id: string } }>("/v1/jobs/:id", async (req) => {
    const { job, evaluation } = await cp.stopJob(req.params.id);
    return { ...job, evalId: evaluation.id };
  });

  app.get<{ Params: { id: string }; Querystring: PageQuery & { status?: string } }>(
    "/v1/jobs/:id/allocations",
    async (req, reply) => {
      const allocs = cp
        .jobAllocations(req.params.id)
        .filter((a) => !req.query.status || a.status === req.query.status);
      if (req.query.limit === undefined && req.query.cursor === undefined) return allocs;
      const sorted = [...allocs].sort((a, b) => a.id.localeCompare(b.id));
      return paginate(sorted, (a) => a.id, req.query, reply);
    },
  );

  app.get<{ Params: { id: string } }>("/v1/jobs/:id/summary", async (req) =>
    cp.jobSummary(req.params.id),
  );

  app.get<{ Params: { id: string } }>("/v1/jobs/:id/versions", async (req) =>
    cp.store.listJobVersions(cp.getJob(req.params.id).id),
  );

  app.get<{ Params: { id: string } }>("/v1/evaluations/:id", async (req) => {
    const e = await cp.store.getEvaluation(req.params.id);
    if (!e) throw new BrinkError("NOT_FOUND", `no evaluation with id "${req.params.id}"`);
    return e;
  });
}
