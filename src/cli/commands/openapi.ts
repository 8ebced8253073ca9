import type { Command } from "commander";
import { openApiDocument } from "../../server/api/openapi.js";
import { BRINK_VERSION } from "../../server/version.js";
import { printJson } from "../output/print.js";
import type { CliContext } from "./shared.js";

export function openapiCommand(program: Command, ctx: CliContext): void {
  program
    .command("openapi")
    .description("print the OpenAPI document of the /v1 API (as served at /v1/openapi.json)")
    .action(() => printJson(ctx.output, openApiDocument(BRINK_VERSION)));
}
