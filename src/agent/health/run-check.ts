import { execFile } from "node:child_process";
import { request } from "node:http";
import { connect } from "node:net";
import type { CheckSpec } from "../../model/index.js";

/** Where and how a check runs for one allocation. */
export interface CheckTarget {
  check: CheckSpec;
  /** The host port the check uses (`http`, `tcp`). */
  port: number | undefined;
  /** `exec`: working directory and environment (the task's). */
  dir: string;
  env: Record<string, string>;
}

/** One check result: healthy or not, and why not. */
export interface CheckResult {
  ok: boolean;
  detail?: string;
}

function httpCheck(port: number, path: string, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: "GET", agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(
          status >= 200 && status < 400 ? { ok: true } : { ok: false, detail: `HTTP ${status}` },
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs}ms`)));
    req.on("error", (err) => resolve({ ok: false, detail: err.message }));
    req.end();
  });
}

function tcpCheck(port: number, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: timeoutMs });
    socket.once("connect", () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve({ ok: false, detail: `no connection within ${timeoutMs}ms` });
    });
    socket.once("error", (err) => resolve({ ok: false, detail: err.message }));
  });
}

function execCheck(t: CheckTarget): Promise<CheckResult> {
  const { command = "", args, timeout } = t.check;
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: t.dir, env: t.env, timeout, killSignal: "SIGKILL", maxBuffer: 64 << 10 },
      (err) => {
        if (!err) return resolve({ ok: true });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
        if (e.killed) return resolve({ ok: false, detail: `no exit within ${timeout}ms` });
        resolve({ ok: false, detail: typeof e.code === "number" ? `exit ${e.code}` : e.message });
      },
    );
  });
}

/** Runs one check once; never rejects. */
export function runCheck(t: CheckTarget): Promise<CheckResult> {
  const { check } = t;
  if (check.type === "exec") return execCheck(t);
  if (t.port === undefined) return Promise.resolve({ ok: false, detail: "no port to check" });
  return check.type === "http"
    ? httpCheck(t.port, check.path, check.timeout)
    : tcpCheck(t.port, check.timeout);
}
