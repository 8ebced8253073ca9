import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckSpec } from "../../model/index.js";
import { HealthChecker } from "./health-checker.js";
import { runCheck } from "./run-check.js";

const spec = (over: Partial<CheckSpec>): CheckSpec => ({
  type: "http",
  path: "/",
  interval: 100,
  timeout: 1000,
  args: [],
  ...over,
});
const target = (check: CheckSpec, port?: number) => ({
  check,
  port,
  dir: tmpdir(),
  env: { PATH: "/usr/bin:/bin", WANT: "yes" },
});

function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : 0);
    }),
  );
}

describe("health checks", () => {
  let status = 200;
  const http = createHttpServer((req, res) => {
    res.writeHead(req.url === "/ok" ? 200 : status);
    res.end();
  });
  const tcp = createServer((s) => s.end());
  let httpPort = 0;
  let tcpPort = 0;
  let closedPort = 0;

  beforeAll(async () => {
    httpPort = await listen(http);
    tcpPort = await listen(tcp);
    const gone = createServer();
    closedPort = await listen(gone);
    await new Promise((r) => gone.close(r));
  });
  afterAll(() => {
    http.close();
    tcp.close();
  });

  it("http: 2xx and 3xx are healthy, others and refusals are not", async () => {
    expect(await runCheck(target(spec({ path: "/ok" }), httpPort))).toEqual({ ok: true });
    status = 503;
    expect(await runCheck(target(spec({ path: "/x" }), httpPort))).toEqual({
      ok: false,
      detail: "HTTP 503",
    });
    const refused = await runCheck(target(spec({}), closedPort));
    expect(refused.ok).toBe(false);
    expect(refused.detail).toContain("ECONNREFUSED");
  });

  it("tcp: an accepted connection is healthy", async () => {
    expect(await runCheck(target(spec({ type: "tcp" }), tcpPort))).toEqual({ ok: true });
    expect((await runCheck(target(spec({ type: "tcp" }), closedPort))).ok).toBe(false);
  });

  it("exec: exit 0 is healthy; it sees the task's environment; a hung command times out", async () => {
    const sh = (script: string, timeout = 2000) =>
      runCheck(target(spec({ type: "exec", command: "/bin/sh", args: ["-c", script], timeout })));
    expect(await sh('test "$WANT" = yes')).toEqual({ ok: true });
    expect(await sh("exit 3")).toEqual({ ok: false, detail: "exit 3" });
    expect(await sh("sleep 5", 100)).toEqual({ ok: false, detail: "no exit within 100ms" });
  });

  it("reports each change of verdict once", async () => {
    const seen: string[] = [];
    let ok = true;
    let calls = 0;
    const checker = new HealthChecker({
      target: target(spec({ interval: 100 })),
      onChange: (h) => seen.push(h),
      run: async () => {
        calls++;
        return { ok };
      },
    });
    checker.start();
    const until = async (n: number) => {
      while (calls < n) await new Promise((r) => setTimeout(r, 20));
    };
    await until(2);
    ok = false;
    await until(4);
    ok = true;
    await until(6);
    checker.stop();
    expect(seen).toEqual(["healthy", "unhealthy", "healthy"]);
  });
});
