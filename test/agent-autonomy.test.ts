import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalAllocView } from "../src/agent/alloc-manager.js";
import {
  killStrays,
  type Proc,
  removeDir,
  startAgent,
  startBrink,
  startServer,
  stop,
  type TestServer,
  tempDir,
  waitFor,
} from "./harness.js";

const exec = (script: string) => ({ command: "/bin/sh", args: ["-c", script] });
const LOCAL_STOP = "stopped locally by an operator";
/** Long enough that the server never declares the node down while its agent restarts. */
const SERVER_ARGS = ["--heartbeat-grace", "60000"];

/** Alive and not a zombie (orphans may stay unreaped in containers). */
function running(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? "");
  } catch {
    return false;
  }
}

function count(text: string, word: string): number {
  return text.split("\n").filter((l) => l.includes(word)).length;
}

describe("edge autonomy: the agent keeps working without the control plane", () => {
  let dir: string;
  let server: TestServer;
  let agent: Proc;
  const others: Proc[] = [];
  const agentDir = () => join(dir, "n1");
  const allocFile = (id: string, name: string) => join(agentDir(), "allocs", id, name);

  async function ps(dataDir = agentDir()): Promise<LocalAllocView[]> {
    const p = startBrink(["agent", "ps", "--json", "--data-dir", dataDir]);
    const code = await p.exited;
    if (code !== 0) throw new Error(`agent ps exited ${code}: ${p.lines.join("\n")}`);
    return JSON.parse(p.lines.join("\n")) as LocalAllocView[];
  }

  const local = async (id: string) => (await ps()).find((v) => v.id === id);

  async function runningAlloc(job: string) {
    return waitFor(`${job} running`, async () => {
      const [a] = await server.admin.jobAllocations(job);
      return a?.status === "running" ? a : undefined;
    });
  }

  beforeAll(async () => {
    dir = tempDir("autonomy");
    server = await startServer(`${dir}/server`, SERVER_ARGS);
    agent = startAgent(server, "n1", dir, ["--label", "role=main"]);
    await waitFor("the node ready", async () => {
      const nodes = await server.admin.listNodes();
      return nodes.some((n) => n.status === "ready") || undefined;
    });
  });

  afterAll(async () => {
    await Promise.all([agent, ...others].filter(Boolean).map((a) => stop(a)));
    if (server) await stop(server.proc);
    killStrays(dir);
    removeDir(dir);
  });

  it("leaves its tasks running when it stops, and adopts them when it starts again", async () => {
    await server.admin.submitJob({
      name: "svc",
      constraints: [{ key: "role", op: "in", values: ["main"] }],
      tasks: [{ name: "loop", driver: "exec", config: exec("echo started; exec sleep 600") }],
    });
    const alloc = await runningAlloc("svc");
    const before = await waitFor("ps to show the pid", async () => {
      const v = await local(alloc.id);
      return v?.pid ? v : undefined;
    });
    expect(await stop(agent)).toBe(0);
    expect(running(before.pid)).toBe(true);

    agent = startAgent(server, "n1", dir, ["--label", "role=main"]);
    const after = await waitFor("the task adopted", async () => {
      const v = await local(alloc.id);
      return v?.status === "running" ? v : undefined;
    });
    expect(after.pid).toBe(before.pid);
    expect(after.restarts).toBe(0);
    const log = await waitFor("the logs (agent reconnected)", () =>
      server.admin.allocLogs(alloc.id),
    );
    expect(count(log, "started")).toBe(1);
    expect(await server.admin.getAllocation(alloc.id)).toMatchObject({
      status: "running",
      restarts: 0,
    });
  });

  it("after a reboot with the server unreachable, runs its allocations again from local state, but never a finished batch", async () => {
    await server.admin.submitJob({
      name: "once",
      type: "batch",
      constraints: [{ key: "role", op: "in", values: ["main"] }],
      tasks: [
        {
          name: "t",
          driver: "exec",
          config: exec("while [ ! -f go ]; do sleep 0.05; done; echo batch-ran"),
        },
      ],
    });
    const batch = await runningAlloc("once");
    const svc = (await server.admin.jobAllocations("svc"))[0];
    await stop(server.proc);
    // The batch completes while the server is away: only the agent knows.
    writeFileSync(allocFile(batch.id, "go"), "");
    await waitFor("the batch complete locally", async () => {
      return (await local(batch.id))?.status === "complete" || undefined;
    });
    const svcBefore = await local(svc?.id ?? "");

    // "Reboot": the agent and every task die at once.
    await stop(agent, "SIGKILL");
    for (const id of readdirSync(join(agentDir(), "allocs"))) {
      try {
        const { pid } = JSON.parse(readFileSync(allocFile(id, "task.json"), "utf8"));
        if (running(pid)) process.kill(-pid, "SIGKILL");
      } catch {
        // no record, or already gone
      }
    }
    await waitFor("the service task gone", () => !running(svcBefore?.pid) || undefined);

    agent = startAgent(server, "n1", dir, ["--label", "role=main"]);
    const again = await waitFor("the service running again", async () => {
      const v = await local(svc?.id ?? "");
      return v?.status === "running" && v.pid !== svcBefore?.pid ? v : undefined;
    });
    expect(running(again.pid)).toBe(true);
    expect(await local(batch.id)).toMatchObject({ status: "complete", pid: null });
    await new Promise((r) => setTimeout(r, 500));
    expect(await local(batch.id)).toMatchObject({ status: "complete" });
    expect(count(readFileSync(allocFile(batch.id, "stdout.log"), "utf8"), "batch-ran")).toBe(1);
    expect(count(readFileSync(allocFile(again.id, "stdout.log"), "utf8"), "started")).toBe(2);
  });

  it("stops an allocation locally while offline and tells the server once it is back", async () => {
    const [svc] = (await ps()).filter((v) => v.job === "svc" && v.status === "running");
    expect(svc).toBeDefined();
    const cmd = startBrink(["agent", "stop", svc?.id.slice(0, 8) ?? "", "--data-dir", agentDir()]);
    expect(await cmd.exited).toBe(0);
    expect(cmd.lines.join("\n")).toMatch(/Stopped allocation/);
    expect(await local(svc?.id ?? "")).toMatchObject({
      status: "stopped",
      pid: null,
      reason: LOCAL_STOP,
    });
    expect(running(svc?.pid)).toBe(false);

    const listen = new URL(server.url).host;
    server = await startServer(server.dataDir, SERVER_ARGS, listen);
    const seen = await waitFor("the server to see the local stop", async () => {
      const a = await server.admin.getAllocation(svc?.id ?? "");
      return a.status === "stopped" ? a : undefined;
    });
    expect(seen.reasons).toContain(LOCAL_STOP);
    const batch = (await server.admin.jobAllocations("once"))[0];
    expect(batch?.status).toBe("complete");
    // The agent does not bring it back, whatever the server's desired set says meanwhile.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await local(svc?.id ?? ""))?.status ?? "gone").toMatch(/stopped|gone/);
    expect(count(readFileSync(allocFile(svc?.id ?? "", "stdout.log"), "utf8"), "started")).toBe(2);
  });

  it("with --stop-tasks-on-exit stops its tasks when it exits", async () => {
    const n2 = startAgent(server, "n2", dir, ["--label", "role=n2", "--stop-tasks-on-exit"]);
    others.push(n2);
    await server.admin.submitJob({
      name: "svc2",
      constraints: [{ key: "role", op: "in", values: ["n2"] }],
      tasks: [{ name: "loop", driver: "exec", config: exec("exec sleep 600") }],
    });
    const alloc = await runningAlloc("svc2");
    const v = await waitFor("ps on n2", async () => {
      const list = await ps(join(dir, "n2"));
      return list.find((x) => x.id === alloc.id && x.pid);
    });
    expect(await stop(n2)).toBe(0);
    expect(running(v.pid)).toBe(false);
  });
});
