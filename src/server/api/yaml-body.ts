import type { FastifyInstance } from "fastify";
import { parse, YAMLParseError } from "yaml";
import { BrinkError } from "../../model/index.js";

export const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml"];

/** Accept YAML request bodies (job specs) beside JSON. */
export function installYamlParser(app: FastifyInstance): void {
  app.addContentTypeParser(YAML_TYPES, { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, parse(String(body)));
    } catch (err) {
      const where =
        err instanceof YAMLParseError && err.linePos
          ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}`
          : "";
      const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
      done(new BrinkError("JOB_INVALID", `YAML is not valid${where}: ${message}`), undefined);
    }
  });
}
