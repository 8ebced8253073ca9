import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const NODES = 300;

/** A short run of the scale machinery (hollow nodes) on real processes: correctness only. */
describe(`${NODES} hollow nodes on one server`, () => {
  let dir: string;
  let server: TestServer;
  let hollow: Proc;

  beforeAll(async () => {
    dir = tempDir("scale");
    server = await startServer(`${dir}/server`, ["--heartbeat-interval", "5000"]);
    hollow = startBrink([
      "agent",
      "--hollow",
      String(NODES),
      "--hollow-profile",
      "mixed",
      "--server",
      server.url,
      "--join-token",
      server.joinToken,
    ]);
    await waitFor(
      "every hollow node ready",
      async () =>
        (await server.admin.listNodesPage({ status: "ready", limit: 1000 })).items.length ===
          NODES || undefined,
      60_000,
    );
  });

  afterAll(async () => {
    if (hollow) await stop(hollow);
    if (server) await stop(server.proc);
    removeDir(dir);
  });

  it("pages through the fleet without gaps or repeats", async () => {
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await server.admin.listNodesPage({ limit: 64, ...(cursor ? { cursor } : {}) });
      for (const n of page.items) seen.add(n.id);
      cursor = page.next;
    } while (cursor);
    expect(seen.size).toBe(NODES);
    expect((await server.admin.listNodesPage({ site: "hollow-site-3" })).items.length).toBe(
      NODES / 10,
    );
  });

  it("places and completes a 1,000-allocation batch job on them", async () => {
    await server.admin.submitJob({
      name: "wide",
      type: "batch",
      tasks: [
        {
          name: "t",
          count: 1000,
          driver: "exec",
          config: { command: "/bin/true", durationMs: 200 },
          resources: { cpu: 100, memory: 64 },
        },
      ],
    });
    await waitFor(
      "the job to complete",
      async () => (await server.admin.getJob("wide")).status === "complete" || undefined,
      60_000,
    );
    const allocs = await server.admin.jobAllocations("wide");
    expect(allocs).toHaveLength(1000);
    expect(allocs.every((a) => a.status === "complete" && a.nodeId !== null)).toBe(true);
    expect(new Set(allocs.map((a) => a.nodeId)).size).toBeGreaterThan(50);
    expect((await server.admin.listNodesPage({ status: "ready" })).items.length).toBe(NODES);
  });
});
