import { join } from "node:path";

/** The agent's local API socket in its data dir. */
export function localApiSocket(dataDir: string): string {
  return join(dataDir, "agent.sock");
}
