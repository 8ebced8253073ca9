import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AgentAlloc, AllocPort, AllocReport, SyncPoint } from "../model/index.js";
import { writeFileAtomic } from "./atomic-file.js";
import type { TaskRecord } from "./drivers/driver.js";

/** `allocs/<id>/task.json`: the process an allocation's task runs as, to adopt it again. */
export interface StoredTask extends TaskRecord {
  driver: string;
  /** When the process started (ms since the epoch). */
  startedAt: number;
  restarts: number;
}

/** `allocs/<id>/result.json`: how an allocation ended, so it is never run again from local state. */
export interface StoredResult {
  report: AllocReport;
  /** Stopped by an operator on this node (`brink agent stop`): not restarted while the server still wants it. */
  localStop: boolean;
  at: number;
}

const TERMINAL = new Set(["complete", "failed", "stopped"]);

/** Allocation ids are used as directory names: only these characters are accepted. */
export function isSafeAllocId(id: unknown): id is string {
  return typeof id === "string" && /^[0-9a-zA-Z-]{1,100}$/.test(id);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseTask(v: unknown): StoredTask | undefined {
  if (!isObject(v)) return undefined;
  const { driver, pid, startTime, bootId, startedAt, restarts } = v;
  if (typeof driver !== "string" || typeof bootId !== "string") return undefined;
  if (!Number.isInteger(pid) || !Number.isSafeInteger(startTime)) return undefined;
  return {
    driver,
    pid: pid as number,
    startTime: startTime as number,
    bootId,
    startedAt: typeof startedAt === "number" ? startedAt : Date.now(),
    restarts: Number.isInteger(restarts) && (restarts as number) >= 0 ? (restarts as number) : 0,
  };
}

function parseResult(v: unknown, allocId: string): StoredResult | undefined {
  if (!isObject(v) || !isObject(v.report)) return undefined;
  const r = v.report;
  if (r.allocId !== allocId || typeof r.status !== "string" || !TERMINAL.has(r.status))
    return undefined;
  return {
    report: r as unknown as AllocReport,
    localStop: v.localStop === true,
    at: typeof v.at === "number" ? v.at : Date.now(),
  };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as unknown;
  } catch {
    return undefined; // missing or damaged: as if never written
  }
}

/**
 * What the agent keeps on disk to work without the control plane: the desired allocations last
 * received from the server (`allocs.json`), and per allocation the process its task runs as and
 * how it ended. Every write is atomic; a damaged file reads as missing, never as a crash.
 */
export class LocalState {
  private readonly path: string;
  /** Last write per file: writes of one file run one after another (they share a temp name). */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, "allocs.json");
  }

  allocDir(allocId: string): string {
    return join(this.dataDir, "allocs", allocId);
  }

  async load(): Promise<AgentAlloc[]> {
    const parsed = await readJson(this.path);
    if (!isObject(parsed) || !Array.isArray(parsed.allocs)) return [];
    return parsed.allocs.filter((a): a is AgentAlloc => isObject(a) && isSafeAllocId(a.id));
  }

  /** The last desired-state message applied (so a restarted agent can resume its session). */
  async loadSync(): Promise<SyncPoint | undefined> {
    const parsed = await readJson(this.path);
    if (!isObject(parsed) || !isObject(parsed.sync)) return undefined;
    const { epoch, seq } = parsed.sync;
    return typeof epoch === "string" && typeof seq === "number" ? { epoch, seq } : undefined;
  }

  save(allocs: AgentAlloc[], sync?: SyncPoint): Promise<void> {
    return this.serial(this.path, () =>
      writeFileAtomic(this.path, JSON.stringify({ allocs, sync })),
    );
  }

  async loadTask(allocId: string): Promise<StoredTask | undefined> {
    return parseTask(await readJson(join(this.allocDir(allocId), "task.json")));
  }

  saveTask(allocId: string, task: StoredTask): Promise<void> {
    return this.write(allocId, "task.json", task);
  }

  /** `allocs/<id>/ports.json`: the host ports assigned to the allocation. */
  async loadPorts(allocId: string): Promise<AllocPort[]> {
    const v = await readJson(join(this.allocDir(allocId), "ports.json"));
    if (!Array.isArray(v)) return [];
    return v.filter(
      (p): p is AllocPort =>
        isObject(p) &&
        typeof p.name === "string" &&
        Number.isInteger(p.port) &&
        (p.port as number) > 0 &&
        (p.port as number) < 65536,
    );
  }

  savePorts(allocId: string, ports: AllocPort[]): Promise<void> {
    return this.write(allocId, "ports.json", ports);
  }

  async loadResult(allocId: string): Promise<StoredResult | undefined> {
    return parseResult(await readJson(join(this.allocDir(allocId), "result.json")), allocId);
  }

  saveResult(allocId: string, result: StoredResult): Promise<void> {
    return this.write(allocId, "result.json", result);
  }

  private async write(allocId: string, name: string, value: unknown): Promise<void> {
    if (!isSafeAllocId(allocId)) throw new Error(`bad allocation id: ${allocId}`);
    const dir = this.allocDir(allocId);
    const path = join(dir, name);
    await this.serial(path, async () => {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(path, `${JSON.stringify(value)}\n`);
    });
  }

  private serial(path: string, write: () => Promise<void>): Promise<void> {
    const next = (this.writes.get(path) ?? Promise.resolve()).catch(() => undefined).then(write);
    this.writes.set(path, next);
    void next
      .finally(() => {
        if (this.writes.get(path) === next) this.writes.delete(path);
      })
      .catch(() => undefined);
    return next;
  }
}
