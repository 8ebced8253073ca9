import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Proc,
  startAgent,
  startServer,
  stop,
  type TestServer,
  teardown,
  tempDir,
  waitFor,
  waitReady,
} from "./harness.js";

const exec = (script: string) => ({ command: "/bin/sh", args: ["-c", script] });

describe("crash safety", () => {
  let dir: string;
  let server: TestServer;
  const agents: Proc[] = [];

  beforeAll(async () => {
    dir = tempDir("crash");
    server = await startServer(`${dir}/server`, ["--heartbeat-grace", "2000"]);
    agents.push(startAgent(server, "n1", dir), startAgent(server, "n2", dir));
    await waitReady(server, 2);
  });

  afterAll(async () => {
    await teardown(agents, server, dir);
  });

  it("loses no accepted job when the server is killed with SIGKILL, and restarts no running task", async () => {
    await server.admin.submitJob({
      name: "keeper",
      tasks: [{ name: "run", driver: "exec", config: exec("echo started; exec sleep 600") }],
    });
    const running = await waitFor("keeper running", async () => {
      const [a] = await server.admin.jobAllocations("keeper");
      return a?.status === "running" ? a : undefined;
    });
    // Accepted just before the crash: it must survive even if it was never scheduled.
    await server.admin.submitJob({
      name: "late",
      type: "batch",
      tasks: [{ name: "t", driver: "exec", config: exec("echo late-done") }],
    });
    await stop(server.proc, "SIGKILL");

    const listen = new URL(server.url).host;
    server = await startServer(server.dataDir, ["--heartbeat-grace", "2000"], listen);
    const jobs = await server.admin.listJobs();
    expect(jobs.map((j) => j.name).sort()).toEqual(["keeper", "late"]);
    await waitFor(
      "late completes",
      async () => (await server.admin.getJob("late")).status === "complete" || undefined,
    );
    await waitFor("agents reconnected", async () => {
      const nodes = await server.admin.listNodes();
      return nodes.every((n) => n.status === "ready") || undefined;
    });
    const [after] = await server.admin.jobAllocations("keeper");
    expect(after?.id).toBe(running.id);
    expect(after?.status).toBe("running");
    const log = await server.admin.allocLogs(running.id);
    expect(log.match(/started/g)).toHaveLength(1);
  });

  it("declares a killed node down and replaces its work on another node", async () => {
    const [before] = await server.admin.jobAllocations("keeper");
    const victimNode = await server.admin.getNode(before?.nodeId ?? "");
    const victim = agents.find((a) =>
      a.lines.some((l) => l.includes(`"nodeId":"${victimNode.id}"`)),
    );
    expect(victim).toBeDefined();
    await stop(victim as Proc, "SIGKILL");
    const replacement = await waitFor("a replacement running", async () => {
      const list = await server.admin.jobAllocations("keeper");
      return list.find((a) => a.status === "running" && a.nodeId !== victimNode.id);
    });
    expect(replacement.index).toBe(0);
    expect((await server.admin.getNode(victimNode.id)).status).toBe("down");
    const lost = await server.admin.getAllocation(before?.id ?? "");
    expect(lost.status).toBe("lost");
    expect(lost.reasons.at(-1)).toMatch(/down/);
  });
});
