import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Proc,
  removeDir,
  startBrink,
  startServer,
  stop,
  type TestServer,
  tempDir,
  waitFor,
} from "./harness.js";

describe("brink server --config and join admission", () => {
  let dir: string;
  let server: TestServer | undefined;
  let hollow: Proc | undefined;

  afterEach(async () => {
    if (hollow) await stop(hollow);
    if (server) await stop(server.proc);
    hollow = undefined;
    server = undefined;
    removeDir(dir);
  });

  it("applies declared links from the config file at start; flags win over the file", async () => {
    dir = tempDir("server-config");
    const file = join(dir, "server.yaml");
    writeFileSync(
      file,
      [
        "listen: 127.0.0.1:1   # overridden by --listen",
        "heartbeatIntervalMs: 700",
        "pushIntervalMs: 100",
        "topology:",
        "  links:",
        "    - { from: factory-1, to: cloud, latencyMs: 35, bandwidthMbps: 200 }",
        "    - { from: factory-1, to: shop-7, latencyMs: 60, bandwidthMbps: 20 }",
      ].join("\n"),
    );
    server = await startServer(join(dir, "data"), ["--config", file]);
    expect(new URL(server.url).port).not.toBe("1");
    const topo = await server.admin.topology();
    const declared = topo.links.filter((l) => l.kind === "declared");
    expect(declared.map((l) => [l.from, l.to, l.latencyMs, l.bandwidthMbps])).toEqual([
      ["factory-1", "cloud", 35, 200],
      ["factory-1", "shop-7", 60, 20],
    ]);
  });

  it("refuses an invalid config file with the path of each problem and exit code 2", async () => {
    dir = tempDir("server-config");
    const file = join(dir, "server.yaml");
    writeFileSync(
      file,
      "topology:\n  links:\n    - { from: a, to: b, latencyMs: -1, bandwidthMbps: 10 }\nheartbeat: 3\n",
    );
    const proc = startBrink(["server", "--config", file, "--data-dir", join(dir, "data")]);
    const code = await new Promise<number | null>((done) => proc.child.once("exit", done));
    const out = proc.lines.join("\n");
    expect(code).toBe(2);
    expect(out).toContain(file);
    expect(out).toContain("topology.links.0.latencyMs");
    expect(out).toMatch(/heartbeat/);
  });

  it("refuses a --push-interval that is not a whole number of milliseconds", async () => {
    dir = tempDir("server-config");
    const proc = startBrink(["server", "--push-interval", "-5", "--data-dir", join(dir, "data")]);
    const code = await new Promise<number | null>((done) => proc.child.once("exit", done));
    expect(code).toBe(2);
    expect(proc.lines.join("\n")).toContain(
      '--push-interval must be a whole number of milliseconds (0 = off), not "-5"',
    );
  });

  it("admits a burst of agents over the join limit: the rest retry later and all get ready", async () => {
    dir = tempDir("join-limit");
    const nodes = 40;
    server = await startServer(join(dir, "data"), ["--max-pending-joins", "1"]);
    hollow = startBrink([
      "agent",
      "--hollow",
      String(nodes),
      "--server",
      server.url,
      "--join-token",
      server.joinToken,
    ]);
    const s = server;
    await waitFor(
      "every hollow node ready",
      async () =>
        (await s.admin.listNodesPage({ status: "ready", limit: 1000 })).items.length === nodes ||
        undefined,
      90_000,
    );
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
    const refused = /brink_agent_sessions_refused_total\{reason="busy"\} (\d+)/.exec(metrics);
    expect(Number(refused?.[1] ?? 0)).toBeGreaterThan(0);
  });
});
