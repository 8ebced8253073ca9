import { fileURLToPath } from "node:url";

/** The package's root directory (this file is at `<root>/dist/cli/paths.js` once built). */
export function packageRoot(): string {
  return fileURLToPath(new URL("../../", import.meta.url));
}

/** The CLI entry point, to start child processes of `brink` itself. */
export function cliEntry(): string {
  return fileURLToPath(new URL("./main.js", import.meta.url));
}
