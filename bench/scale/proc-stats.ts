/** Resident memory and CPU time of a process, read from /proc (Linux). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICKS_PER_SEC = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** VmRSS in MB (0 when the process is gone). */
export function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/**
 * utime + stime of the process in seconds; with `mainThread`, of its main thread alone (for a
 * Node process: the event loop, without the store's worker thread and V8's helper threads).
 */
export function cpuSec(pid: number | undefined, mainThread = false): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(
      mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`,
      "utf8",
    );
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SEC;
  } catch {
    return 0;
  }
}

/**
 * How many times the main thread of `pid` went to sleep and was woken (its voluntary context
 * switches): for a Node process, its event loop's wake-ups. Unlike CPU time, it does not depend
 * on what a wake-up costs on the machine at the moment. (V8's helper threads are left out: they
 * wake for garbage collection after start-up and then sleep.)
 */
export function wakeUps(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(
      readFileSync(`/proc/${pid}/task/${pid}/status`, "utf8"),
    );
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** CPU % of one core used by `pid` between `start()` and `stop()`, plus peak RSS sampled meanwhile. */
export class CpuMeter {
  private cpu0 = 0;
  private main0 = 0;
  private t0 = 0;
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number | undefined) {}

  start(): this {
    this.cpu0 = cpuSec(this.pid);
    this.main0 = cpuSec(this.pid, true);
    this.t0 = performance.now();
    this.peak = rssMb(this.pid);
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, rssMb(this.pid));
    }, 1000);
    return this;
  }

  /** `cpuMs`/`mainCpuMs`: CPU time used meanwhile by the whole process and by its main thread. */
  stop(): { cpuPct: number; cpuMs: number; mainCpuMs: number; rssMb: number; peakRssMb: number } {
    if (this.timer) clearInterval(this.timer);
    const sec = (performance.now() - this.t0) / 1000;
    const rss = rssMb(this.pid);
    const used = cpuSec(this.pid) - this.cpu0;
    return {
      cpuPct: Math.round((used / sec) * 1000) / 10,
      cpuMs: Math.round(used * 1000),
      mainCpuMs: Math.round((cpuSec(this.pid, true) - this.main0) * 1000),
      rssMb: rss,
      peakRssMb: Math.max(this.peak, rss),
    };
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** p50 / p99 / max of samples in ms, rounded to 0.1 ms. */
export function latency(samples: number[], prefix = "") {
  const s = [...samples].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  const k = (name: string) =>
    prefix ? `${prefix}${name[0]?.toUpperCase()}${name.slice(1)}` : name;
  return {
    [k("p50Ms")]: r(percentile(s, 50)),
    [k("p99Ms")]: r(percentile(s, 99)),
    [k("maxMs")]: r(s.at(-1) ?? Number.NaN),
  };
}
