import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AgentAlloc } from "../model/index.js";
import { writeFileAtomic } from "./atomic-file.js";

/** The desired allocations last received from the server, persisted so the agent knows them offline. */
export class LocalState {
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, "allocs.json");
  }

  async load(): Promise<AgentAlloc[]> {
    try {
      const parsed = JSON.parse(await readFile(this.path, "utf8")) as { allocs?: AgentAlloc[] };
      return Array.isArray(parsed.allocs) ? parsed.allocs : [];
    } catch {
      return [];
    }
  }

  save(allocs: AgentAlloc[]): Promise<void> {
    return writeFileAtomic(this.path, JSON.stringify({ allocs }));
  }
}
