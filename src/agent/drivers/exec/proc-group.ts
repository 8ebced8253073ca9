import { readdirSync, readFileSync } from "node:fs";

const PAGE_SIZE = 4096;
/** Processes read per turn of the event loop (≈ 10 µs each). */
const CHUNK = 64;
// Fields after "pid (comm) ": state is field 3, pgrp field 5, rss field 24 (man 5 proc).
const STATE_INDEX = 3 - 3;
const PGRP_INDEX = 5 - 3;
const RSS_INDEX = 24 - 3;

export interface ProcStat {
  state: string;
  pgrp: number;
  rssPages: number;
}

/** The fields after "pid (comm) " of a /proc/<pid>/stat text (comm may hold spaces and ")"). */
export function procStatFields(text: string): string[] | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  return text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
}

/** State, process group and resident pages from the text of a /proc/<pid>/stat file. */
export function parseProcStat(text: string): ProcStat | undefined {
  const fields = procStatFields(text);
  if (!fields) return undefined;
  const state = fields[STATE_INDEX] ?? "";
  const pgrp = Number(fields[PGRP_INDEX]);
  const rssPages = Number(fields[RSS_INDEX]);
  if (!state || !Number.isInteger(pgrp) || !Number.isInteger(rssPages)) return undefined;
  return { state, pgrp, rssPages };
}

function statOf(procDir: string, pid: string): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`${procDir}/${pid}/stat`, "utf8"));
  } catch {
    return undefined; // the process exited while we looked
  }
}

/** Live (not zombie) processes of group `pgid` and their resident memory in bytes. */
export interface GroupUsage {
  live: number;
  rssBytes: number;
}

/**
 * One pass over /proc: usage of every process group. The files are read synchronously, a chunk
 * at a time with a yield to the event loop between chunks: /proc files are generated in memory,
 * a read is a few microseconds, and the pass costs one wake-up. Read asynchronously, each file
 * took four thread-pool round trips (open, stat, read, close), each able to wake the event loop:
 * an agent guarding 20 tasks woke ≈ 40 times a second for it.
 */
async function scanGroups(procDir: string): Promise<Map<number, GroupUsage>> {
  let entries: string[];
  try {
    entries = readdirSync(procDir);
  } catch {
    entries = [];
  }
  const pids = entries.filter((e) => /^\d+$/.test(e));
  const groups = new Map<number, GroupUsage>();
  for (let i = 0; i < pids.length; i += CHUNK) {
    // Never hold the event loop (the agent's load balancer runs on it) for more than a chunk.
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const pid of pids.slice(i, i + CHUNK)) {
      const s = statOf(procDir, pid);
      if (!s || s.state === "Z" || s.state === "X") continue;
      const g = groups.get(s.pgrp) ?? { live: 0, rssBytes: 0 };
      g.live++;
      g.rssBytes += s.rssPages * PAGE_SIZE;
      groups.set(s.pgrp, g);
    }
  }
  return groups;
}

/**
 * Scans are shared: every task's memory guard and every stop asks within a short window, and one
 * pass over /proc answers all of them, so the agent's cost does not grow with its task count.
 */
const SHARE_MS = 200;
const shared = new Map<string, { at: number; scan: Promise<Map<number, GroupUsage>> }>();

function groupsOf(procDir: string, fresh: boolean): Promise<Map<number, GroupUsage>> {
  const now = Date.now();
  const last = shared.get(procDir);
  if (!fresh && last && now - last.at < SHARE_MS) return last.scan;
  const scan = scanGroups(procDir);
  shared.set(procDir, { at: now, scan });
  return scan;
}

/**
 * Usage of the processes of group `pgid` (zero of both where /proc does not exist). `fresh`
 * forces a new scan (when waiting for a group to be gone); otherwise a scan up to 200 ms old
 * may answer.
 */
export async function groupUsage(
  pgid: number,
  procDir = "/proc",
  fresh = false,
): Promise<GroupUsage> {
  return (await groupsOf(procDir, fresh)).get(pgid) ?? { live: 0, rssBytes: 0 };
}

/** Resident memory in bytes of all processes in group `pgid`. */
export async function groupRssBytes(pgid: number, procDir = "/proc"): Promise<number> {
  return (await groupUsage(pgid, procDir)).rssBytes;
}
