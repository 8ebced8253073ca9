import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { groupRssBytes, groupUsage, parseProcStat } from "./proc-group.js";
import { signalGroup, waitGroupGone } from "./process-group.js";

describe("parseProcStat", () => {
  it("reads pgrp and rss after a command name with spaces and parentheses", () => {
    const fields = ["S", "1", "4242", "4242", "0", "-1", "0", "0", "0", "0", "0", "0", "0"];
    const rest = [...fields, "0", "0", "20", "0", "1", "0", "100", "5000", "321", "0"];
    expect(parseProcStat(`4243 (my (odd) cmd) ${rest.join(" ")}`)).toEqual({
      state: "S",
      pgrp: 4242,
      rssPages: 321,
    });
  });

  it("returns undefined for garbage", () => {
    expect(parseProcStat("nonsense")).toBeUndefined();
  });
});

describe("groupRssBytes", () => {
  it("sums the resident memory of a real process group", async () => {
    const child = spawn("sleep", ["10"], { detached: true, stdio: "ignore" });
    try {
      // The kernel updates RSS counters lazily: a just-started process may read 0 for a moment.
      let rss = 0;
      for (let i = 0; i < 100 && rss === 0; i++) {
        rss = await groupRssBytes(child.pid!);
        if (rss === 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(rss).toBeGreaterThan(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("counts every process of a large /proc, read a chunk at a time", async () => {
    // 300 processes in groups 1000 (200 of them, 2 pages each) and 2000 (99, 1 page each, one
    // more a zombie), and a non-process entry: the pass spans several chunks.
    const proc = mkdtempSync(join(tmpdir(), "brink-proc-"));
    try {
      const stat = (pid: number, state: string, pgrp: number, pages: number) => {
        const rest = [
          state,
          "1",
          String(pgrp),
          String(pgrp),
          ...Array(17).fill("0"),
          String(pages),
        ];
        mkdirSync(join(proc, String(pid)));
        writeFileSync(join(proc, String(pid), "stat"), `${pid} (w (x) y) ${rest.join(" ")} 0\n`);
      };
      for (let i = 0; i < 200; i++) stat(10_000 + i, "S", 1000, 2);
      for (let i = 0; i < 99; i++) stat(20_000 + i, "R", 2000, 1);
      stat(30_000, "Z", 2000, 0);
      mkdirSync(join(proc, "self"));
      expect(await groupUsage(1000, proc, true)).toEqual({ live: 200, rssBytes: 200 * 2 * 4096 });
      expect(await groupUsage(2000, proc, true)).toEqual({ live: 99, rssBytes: 99 * 4096 });
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });

  it("is 0 for a group that does not exist or without /proc", async () => {
    expect(await groupRssBytes(2 ** 22 + 1)).toBe(0);
    expect(await groupRssBytes(1, "/nonexistent-proc")).toBe(0);
  });
});

describe("waitGroupGone", () => {
  it("resolves once every live process of a killed group is gone", async () => {
    const child = spawn("sh", ["-c", "sleep 100 & sleep 100"], { detached: true, stdio: "ignore" });
    try {
      expect(await waitGroupGone(child.pid!, 50)).toBe(false);
      // The shell forks its two sleeps after it starts: on a busy machine that can take a while.
      let live = 0;
      for (let i = 0; i < 250 && live < 2; i++) {
        live = (await groupUsage(child.pid!)).live;
        if (live < 2) await new Promise((r) => setTimeout(r, 20));
      }
      expect(live).toBeGreaterThanOrEqual(2);
      expect(signalGroup(child.pid!, "SIGKILL")).toBe(true);
      expect(await waitGroupGone(child.pid!, 5000)).toBe(true);
    } finally {
      signalGroup(child.pid!, "SIGKILL");
    }
  });
});
