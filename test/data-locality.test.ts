import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Proc,
  startAgent,
  startServer,
  type TestServer,
  teardown,
  tempDir,
  waitFor,
} from "./harness.js";

/** Three real agents on two sites joined by a declared slow WAN link. */
describe("placement by the network: data locality and workflows on the real topology", () => {
  let dir: string;
  let server: TestServer;
  const agents: Proc[] = [];
  const sites: Record<string, string> = { f1: "factory", f2: "factory", s1: "shop" };

  beforeAll(async () => {
    dir = tempDir("locality");
    server = await startServer(`${dir}/server`);
    for (const [name, site] of Object.entries(sites))
      agents.push(startAgent(server, name, dir, ["--site", site, "--peer-listen", "127.0.0.1:0"]));
    await waitFor(
      "3 ready nodes",
      async () =>
        (await server.admin.listNodes()).filter((n) => n.status === "ready").length === 3 ||
        undefined,
    );
    await server.admin.setDeclaredLinks([
      { from: "factory", to: "shop", latencyMs: 40, bandwidthMbps: 20 },
    ]);
  });

  afterAll(async () => {
    await teardown(agents, server, dir);
  });

  const nodeName = async (nodeId: string | null) =>
    (await server.admin.listNodes()).find((n) => n.id === nodeId)?.name;

  it("runs a task that reads declared data next to the data, and explains the score", async () => {
    for (const at of ["s1", "f2"]) {
      const name = `scan-${at}`;
      await server.admin.submitJob({
        name,
        type: "batch",
        data: [{ name: "video", at: `node:${at}`, size: "2GB" }],
        tasks: [
          {
            name: "scan",
            driver: "exec",
            config: { command: "/bin/true" },
            resources: { cpu: 10, memory: 16 },
            inputs: ["video"],
          },
        ],
      });
      const alloc = await waitFor(`${name} placed`, async () => {
        const [a] = await server.admin.jobAllocations(name);
        return a?.nodeId ? a : undefined;
      });
      expect(await nodeName(alloc.nodeId)).toBe(at);
      expect(alloc.score?.["data-locality"]).toBe(100);
    }
  });

  it("keeps a workflow's consumer with its producer when the WAN is slow", async () => {
    await server.admin.submitJob({
      name: "etl",
      type: "batch",
      tasks: [
        {
          name: "extract",
          driver: "exec",
          config: { command: "/bin/true" },
          resources: { cpu: 10, memory: 16 },
          constraints: [{ key: "brink/site", op: "=", value: "shop" }],
          outputs: [{ name: "raw", size: "1GB" }],
        },
        {
          name: "transform",
          driver: "exec",
          config: { command: "/bin/true" },
          resources: { cpu: 10, memory: 16 },
          after: ["extract"],
          inputs: ["raw"],
        },
      ],
    });
    const done = await waitFor("etl complete", async () => {
      const allocs = await server.admin.jobAllocations("etl");
      return allocs.length === 2 && allocs.every((a) => a.status === "complete")
        ? allocs
        : undefined;
    });
    const where = Object.fromEntries(
      await Promise.all(done.map(async (a) => [a.task, await nodeName(a.nodeId)] as const)),
    );
    expect(where).toEqual({ extract: "s1", transform: "s1" });
  });
});
