import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BrinkClient } from "../client/index.js";

/** Options every client command takes (resolved once in `main`). */
export interface GlobalOptions {
  addr?: string;
  token?: string;
  json?: boolean;
}

export interface CliEnv {
  BRINK_ADDR?: string | undefined;
  BRINK_TOKEN?: string | undefined;
  BRINK_DATA_DIR?: string | undefined;
  PATH?: string | undefined;
}

export const DEFAULT_ADDR = "http://127.0.0.1:7700";

function readToken(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** --addr / BRINK_ADDR, --token / BRINK_TOKEN, else the admin token in the local data dir. */
export function makeClient(opts: GlobalOptions, env: CliEnv): BrinkClient {
  const addr = opts.addr ?? env.BRINK_ADDR ?? DEFAULT_ADDR;
  const dataDir = env.BRINK_DATA_DIR ?? ".brink";
  const token = opts.token ?? env.BRINK_TOKEN ?? readToken(join(dataDir, "admin.token"));
  return new BrinkClient({
    addr: addr.includes("://") ? addr : `http://${addr}`,
    ...(token ? { token } : {}),
  });
}
