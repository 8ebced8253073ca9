import { readFile } from "node:fs/promises";
import type { TaskRecord } from "../driver.js";
import { procStatFields } from "./proc-group.js";

// Fields after "pid (comm) ": state is field 3, starttime field 22 (man 5 proc).
const STATE_INDEX = 3 - 3;
const STARTTIME_INDEX = 22 - 3;

export interface ProcStartInfo {
  state: string;
  /** Clock ticks after boot at which the process started. */
  startTime: number;
}

/** State and start time from the text of a /proc/<pid>/stat file. */
export function parseStartInfo(text: string): ProcStartInfo | undefined {
  const fields = procStatFields(text);
  if (!fields) return undefined;
  const state = fields[STATE_INDEX] ?? "";
  const startTime = Number(fields[STARTTIME_INDEX]);
  if (!state || !Number.isSafeInteger(startTime)) return undefined;
  return { state, startTime };
}

/** This boot's id; undefined without /proc. */
export async function readBootId(procDir = "/proc"): Promise<string | undefined> {
  try {
    return (await readFile(`${procDir}/sys/kernel/random/boot_id`, "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Start info of a live (not zombie) process; undefined when it is gone. Never throws. */
async function liveStartInfo(pid: number, procDir: string): Promise<ProcStartInfo | undefined> {
  try {
    const info = parseStartInfo(await readFile(`${procDir}/${pid}/stat`, "utf8"));
    return info && info.state !== "Z" && info.state !== "X" ? info : undefined;
  } catch {
    return undefined;
  }
}

/** The identity of a live process, to persist for adoption; undefined when it is gone. */
export async function processRecord(
  pid: number,
  procDir = "/proc",
): Promise<TaskRecord | undefined> {
  const [info, bootId] = await Promise.all([liveStartInfo(pid, procDir), readBootId(procDir)]);
  return info && bootId ? { pid, startTime: info.startTime, bootId } : undefined;
}

/** Whether the recorded process still runs: same pid, same start time, same boot, not a zombie. */
export async function isSameProcess(record: TaskRecord, procDir = "/proc"): Promise<boolean> {
  if (!Number.isInteger(record.pid) || record.pid <= 1) return false;
  const now = await processRecord(record.pid, procDir);
  return now?.startTime === record.startTime && now.bootId === record.bootId;
}
