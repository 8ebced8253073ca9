import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Allocation } from "../src/model/index.js";
import {
  killStrays,
  type Proc,
  removeDir,
  startAgent,
  startServer,
  stop,
  type TestServer,
  tempDir,
  waitFor,
  waitReady,
} from "./harness.js";

const TRIALS = 3;
const running = (a: Allocation) => a.status === "running" && a.desiredStatus === "run";

/**
 * Regression for a race found by the failover bench: the rebooted agent's hello reported the lost
 * original as `pending`, the set pushed back omitted it, and a later `running` report revived it
 * anyway — both copies ended stopped. Lost allocations are now reconciled only in the hello.
 */
describe("chaos: a machine reboots with the link up after its work was replaced", () => {
  let dir: string;
  let server: TestServer;
  const agents = new Map<string, Proc>();
  const peer = ["--site", "s1", "--peer-listen", "127.0.0.1:0"];
  const edge = () => startAgent(server, "edge", dir, [...peer, "--label", "role=edge"]);

  beforeAll(async () => {
    dir = tempDir("chaos-rejoin");
    server = await startServer(`${dir}/server`);
    agents.set("edge", edge());
    agents.set("w1", startAgent(server, "w1", dir, peer));
    await waitReady(server, 2);
  });

  afterAll(async () => {
    await Promise.all([...agents.values()].map((a) => stop(a)));
    if (server) await stop(server.proc);
    killStrays(dir);
    removeDir(dir);
  });

  it("ends every time with exactly one running allocation", async () => {
    const edgeId = (await server.admin.getNode("edge")).id;
    for (let t = 0; t < TRIALS; t++) {
      const job = `rejoin-${t}`;
      await server.admin.submitJob({
        name: job,
        affinities: [{ key: "role", op: "=", value: "edge", weight: 100 }],
        tasks: [
          {
            name: "run",
            driver: "exec",
            config: { command: "/bin/sh", args: ["-c", "exec sleep 600"] },
          },
        ],
      });
      const original = await waitFor(`${job} running on edge`, async () =>
        (await server.admin.jobAllocations(job)).find((a) => running(a) && a.nodeId === edgeId),
      );
      await stop(agents.get("edge") as Proc, "SIGKILL");
      killStrays(join(dir, "edge"));
      await waitFor(`${job} replaced`, async () =>
        (await server.admin.jobAllocations(job)).find((a) => running(a) && a.id !== original.id),
      );
      agents.set("edge", edge());
      await waitFor(
        "edge ready",
        async () => (await server.admin.getNode("edge")).status === "ready",
      );
      const settled = await waitFor(
        `${job} settled on one allocation`,
        async () => {
          const list = await server.admin.jobAllocations(job);
          const pending = list.some((a) => a.status === "pending" && a.desiredStatus === "run");
          return !pending && list.filter(running).length === 1 ? list : undefined;
        },
        10_000,
      ).catch(async () => server.admin.jobAllocations(job));
      expect(settled.filter(running)).toHaveLength(1);
      await server.admin.stopJob(job);
    }
  });
});
