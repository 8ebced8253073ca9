/** An error the CLI reports as a message (no stack) with a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Exit codes scripts can rely on: 0 success; 1 the request failed (the server refused it, it
 * could not be reached, or `job plan` found unplaceable work); 2 bad usage or bad input files.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
