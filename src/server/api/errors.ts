import type { FastifyError, FastifyInstance } from "fastify";
import { BrinkError } from "../../model/index.js";

/** Maps Fastify's own errors (body too large, bad JSON, ...) to Brink's coded errors. */
function toBrinkError(err: FastifyError): BrinkError | undefined {
  if (err instanceof BrinkError) return err;
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new BrinkError("PAYLOAD_TOO_LARGE", "request body is larger than 1 MiB");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new BrinkError("UNSUPPORTED_MEDIA_TYPE", "send application/json or application/yaml");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new BrinkError("BAD_REQUEST", "request body is empty; send a JSON document");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new BrinkError("BAD_REQUEST", "Content-Length does not match the body");
  }
  if (err.validation) return new BrinkError("BAD_REQUEST", err.message);
  if (err.statusCode === 400 || err instanceof SyntaxError) {
    return new BrinkError("BAD_REQUEST", `request body is not valid: ${err.message}`);
  }
  return undefined;
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const known = toBrinkError(err);
    if (known) return reply.status(known.status).send(known.toBody());
    req.log.error({ err }, "request failed");
    const internal = new BrinkError("INTERNAL", "internal error; see the server log");
    return reply.status(500).send(internal.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    const err = new BrinkError("NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`);
    return reply.status(404).send(err.toBody());
  });
}
