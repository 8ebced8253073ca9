import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../src/client/index.js";
import {
  type Proc,
  removeDir,
  startAgent,
  startBrink,
  startServer,
  stop,
  type TestServer,
  tempDir,
  waitFor,
  waitReady,
} from "./harness.js";

const exec = (script: string) => ({ command: "/bin/sh", args: ["-c", script] });

describe("a real server and real agents", () => {
  let dir: string;
  let server: TestServer;
  const agents: Proc[] = [];

  beforeAll(async () => {
    dir = tempDir("e2e");
    server = await startServer(`${dir}/server`, ["--heartbeat-grace", "3000"]);
    agents.push(startAgent(server, "edge-1", dir, ["--site", "site-a", "--label", "zone=a"]));
    agents.push(startAgent(server, "edge-2", dir, ["--site", "site-b", "--label", "zone=b"]));
    await waitReady(server, 2);
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => stop(a)));
    if (server) await stop(server.proc);
    removeDir(dir);
  });

  it("reports real resources and built-in labels", async () => {
    const node = await server.admin.getNode("edge-1");
    expect(node.resources.cpu).toBeGreaterThanOrEqual(1000);
    expect(node.resources.memory).toBeGreaterThan(100);
    expect(node.resources.disk).toBeGreaterThan(0);
    expect(node.drivers).toContain("exec");
    expect(node.labels).toMatchObject({ zone: "a", "brink/site": "site-a", "brink/os": "linux" });
    expect(node.labels["brink/arch"]).toBeTruthy();
    expect(node.lastHeartbeat).not.toBeNull();
  });

  it("runs a batch job to completion and serves its logs", async () => {
    const job = await server.admin.submitJob(
      [
        "name: greet",
        "type: batch",
        "tasks:",
        "  - name: say",
        "    count: 2",
        "    driver: exec",
        '    config: { command: /bin/sh, args: ["-c", "echo hello-brink $GREETING; echo oops >&2"] }',
        "    env: { GREETING: world }",
        "    resources: { cpu: 100, memory: 64 }",
      ].join("\n"),
    );
    expect(job.version).toBe(1);
    await waitFor(
      "the job to complete",
      async () => (await server.admin.getJob("greet")).status === "complete" || undefined,
    );
    const allocs = await server.admin.jobAllocations("greet");
    expect(allocs).toHaveLength(2);
    for (const a of allocs) {
      expect(a).toMatchObject({ status: "complete", exitCode: 0, jobId: job.id, task: "say" });
      expect(await server.admin.allocLogs(a.id)).toContain("hello-brink world");
      expect(await server.admin.allocLogs(a.id, "stderr")).toContain("oops");
    }
  });

  it("stops a service job: its processes end and its allocations are stopped", async () => {
    await server.admin.submitJob({
      name: "svc",
      type: "service",
      tasks: [{ name: "loop", count: 2, driver: "exec", config: exec("echo up; exec sleep 600") }],
    });
    await waitFor("2 running", async () => {
      const allocs = await server.admin.jobAllocations("svc");
      return allocs.filter((a) => a.status === "running").length === 2 || undefined;
    });
    const stopped = await server.admin.stopJob("svc");
    expect(stopped.status).toBe("dead");
    const allocs = await waitFor("allocations stopped", async () => {
      const list = await server.admin.jobAllocations("svc");
      return list.every((a) => a.status === "stopped") ? list : undefined;
    });
    expect(allocs.every((a) => a.desiredStatus === "stop")).toBe(true);
    expect((await server.admin.getJob("svc")).status).toBe("dead");
  });

  it("keeps an unplaceable job pending with reasons, then places it when a matching node joins", async () => {
    await server.admin.submitJob({
      name: "picky",
      type: "batch",
      constraints: [{ key: "zone", op: "in", values: ["z"] }],
      tasks: [{ name: "t", driver: "exec", config: exec("echo placed-at-last") }],
    });
    const pending = await waitFor("reasons", async () => {
      const [a] = await server.admin.jobAllocations("picky");
      return a && a.reasons.length > 0 ? a : undefined;
    });
    expect(pending.status).toBe("pending");
    expect(pending.nodeId).toBeNull();
    expect(pending.reasons[0]).toBe("2 nodes: 2 filtered by constraint zone in [z]");
    agents.push(startAgent(server, "edge-z", dir, ["--site", "site-z", "--label", "zone=z"]));
    await waitFor(
      "the job to complete",
      async () => (await server.admin.getJob("picky")).status === "complete" || undefined,
    );
    const [a] = await server.admin.jobAllocations("picky");
    expect(a?.id).toBe(pending.id);
    expect(await server.admin.allocLogs(pending.id)).toContain("placed-at-last");
  });

  it("ends an agent with a wrong join token with a clear message and a non-zero exit", async () => {
    const bad = startAgent({ url: server.url, joinToken: "brink-join-wrong" }, "intruder", dir);
    const code = await bad.exited;
    expect(code).not.toBe(0);
    expect(bad.lines.join("\n")).toMatch(/refused the join token/);
  });

  it("runs a workflow in dependency order", async () => {
    const step = (name: string, after: string[]) => ({
      name,
      after,
      driver: "exec",
      config: exec(`echo ${name}-ran`),
      resources: { cpu: 50, memory: 32 },
    });
    await server.admin.submitJob({
      name: "etl",
      type: "batch",
      tasks: [step("extract", []), step("transform", ["extract"]), step("load", ["transform"])],
    });
    await waitFor(
      "the workflow to complete",
      async () => (await server.admin.getJob("etl")).status === "complete" || undefined,
    );
    const allocs = await server.admin.jobAllocations("etl");
    const by = (t: string) => allocs.find((a) => a.task === t);
    expect(allocs.map((a) => a.status)).toEqual(["complete", "complete", "complete"]);
    // A child is created only after its parent finished.
    expect(Date.parse(by("transform")?.createdAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(by("extract")?.updatedAt ?? ""),
    );
    expect(Date.parse(by("load")?.createdAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(by("transform")?.updatedAt ?? ""),
    );
    expect(await server.admin.allocLogs(by("load")?.id ?? "")).toContain("load-ran");
  });

  it("brink job plan shows the dry run and exits 1 when something stays unplaced", async () => {
    const ok = join(dir, "ok.yaml");
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      ok,
      "name: dry\ntasks:\n  - name: t\n    driver: exec\n    config: { command: /bin/true }\n",
    );
    writeFileSync(
      bad,
      "name: dry\ntasks:\n  - name: t\n    driver: exec\n    config: { command: /bin/true }\n    resources: { cpu: 999000 }\n",
    );
    const env = {
      BRINK_ADDR: server.url,
      BRINK_TOKEN: readFileSync(join(server.dataDir, "admin.token"), "utf8").trim(),
    };
    const good = startBrink(["job", "plan", ok], env);
    expect(await good.exited).toBe(0);
    expect(good.lines.join("\n")).toMatch(/\+ t\[0\] → edge-\w+ \(score/);
    const nope = startBrink(["job", "plan", bad], env);
    expect(await nope.exited).toBe(1);
    expect(nope.lines.join("\n")).toMatch(/cannot be placed:\n {2}t: \d+ nodes: \d+ exhausted cpu/);
    await expect(server.admin.getJob("dry")).rejects.toThrow(/no job/);
  });

  it("rejects bad requests with coded errors", async () => {
    const err = await server.admin
      .submitJob({ name: "x", tasks: [{ name: "t", driver: "nope", config: {} }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).code).toBe("JOB_INVALID");
    expect((err as ApiError).details[0]?.path).toBe("tasks[0].driver");
  });
});
