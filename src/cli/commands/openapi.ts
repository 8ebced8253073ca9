import type { Command } from "commander";
import { BRINK_VERSION } from "../../server/version.js";
import { printJson } from "../output/print.js";
import type { CliContext } from "./shared.js";

export function openapiCommand(program: Command, ctx: CliContext): void {
  program
    .command("openapi")
    .description("print the OpenAPI document of the /v1 API (as served at /v1/openapi.json)")
    .action(async () => {
      const { openApiDocument } = await import("../../server/api/openapi.js");
      printJson(ctx.output, openApiDocument(BRINK_VERSION));
    });
}
