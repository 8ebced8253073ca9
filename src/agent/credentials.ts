import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-file.js";

/** The node's identity and credential, kept in its data dir so a restarted agent rejoins as itself. */
export interface NodeCredential {
  nodeId: string;
  name: string;
  token: string;
  serverUrl: string;
}

export function credentialPath(dataDir: string): string {
  return join(dataDir, "node.json");
}

export async function loadCredential(dataDir: string): Promise<NodeCredential | undefined> {
  try {
    const parsed = JSON.parse(await readFile(credentialPath(dataDir), "utf8")) as NodeCredential;
    return parsed.token && parsed.nodeId ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function saveCredential(dataDir: string, cred: NodeCredential): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(credentialPath(dataDir), `${JSON.stringify(cred, null, 2)}\n`);
}
