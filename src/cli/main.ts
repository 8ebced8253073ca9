#!/usr/bin/env node
import { CommanderError } from "commander";
import { ApiError } from "../client/index.js";
import { CliError, EXIT } from "./errors.js";
import { stdio } from "./output/print.js";
import { buildProgram } from "./program.js";

function describe(err: unknown): { message: string; code: number } {
  if (err instanceof CliError) return { message: err.message, code: err.exitCode };
  if (err instanceof ApiError) {
    const details = err.details.map((d) => `\n  ${d.path}: ${d.message}`).join("");
    const hint =
      err.status === 401
        ? "\n(pass --token or set BRINK_TOKEN; the server writes its admin token to <data-dir>/admin.token)"
        : "";
    return { message: `${err.code}: ${err.message}${details}${hint}`, code: EXIT.failed };
  }
  return {
    message: err instanceof Error ? (err.stack ?? err.message) : String(err),
    code: EXIT.failed,
  };
}

async function main(): Promise<void> {
  const env = {
    BRINK_ADDR: process.env.BRINK_ADDR || undefined,
    BRINK_TOKEN: process.env.BRINK_TOKEN || undefined,
    BRINK_DATA_DIR: process.env.BRINK_DATA_DIR || undefined,
    PATH: process.env.PATH || undefined,
  };
  const program = buildProgram({ env, output: stdio });
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT.usage;
      return;
    }
    const { message, code } = describe(err);
    stdio.err(`error: ${message}`);
    process.exitCode = code;
  }
}

void main();
