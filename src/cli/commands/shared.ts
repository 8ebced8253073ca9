import type { Command } from "commander";
import type { BrinkClient } from "../../client/index.js";
import { type CliEnv, type GlobalOptions, makeClient } from "../context.js";
import type { Output } from "../output/print.js";

export interface CliContext {
  env: CliEnv;
  output: Output;
}

/** Resolves the client and `--json` for a command from its options and the globals. */
export function clientFor(cmd: Command, ctx: CliContext): { client: BrinkClient; json: boolean } {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  return { client: makeClient(opts, ctx.env), json: opts.json === true };
}
