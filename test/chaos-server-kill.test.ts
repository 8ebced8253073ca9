import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Allocation } from "../src/model/index.js";
import {
  type Proc,
  startAgent,
  startServer,
  stop,
  type TestServer,
  tasksUnder,
  teardown,
  tempDir,
  waitFor,
  waitReady,
} from "./harness.js";

const JOBS = 40;
const KILL_AFTER = 12;
const CONCURRENCY = 4;

/** Even: a batch job that finishes at once; odd: a service that keeps one task running. */
function job(i: number) {
  const service = i % 2 === 1;
  return {
    name: `sk-${i}`,
    type: service ? "service" : "batch",
    tasks: [
      {
        name: "run",
        driver: "exec",
        resources: { cpu: 10, memory: 16 },
        config: { command: "/bin/sh", args: ["-c", service ? "exec sleep 600" : "echo done"] },
      },
    ],
  };
}

/** 201, another status, or no answer at all (the server is down or died mid-request). */
async function submit(url: string, token: string, spec: unknown): Promise<number | "none"> {
  try {
    const res = await fetch(`${url}/v1/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(spec),
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return "none";
  }
}

const live = (a: Allocation) =>
  a.desiredStatus === "run" && (a.status === "pending" || a.status === "running");

describe("chaos: the server is SIGKILLed in the middle of concurrent job submissions", () => {
  let dir: string;
  let server: TestServer;
  const agents: Proc[] = [];

  beforeAll(async () => {
    dir = tempDir("chaos-server-kill");
    server = await startServer(`${dir}/server`);
    agents.push(startAgent(server, "n1", dir), startAgent(server, "n2", dir));
    await waitReady(server, 2);
  });

  afterAll(async () => {
    await teardown(agents, server, dir);
  });

  it("keeps every accepted job, duplicates no instance, and the agents reconnect", async () => {
    const { url, dataDir } = server;
    const token = readFileSync(join(dataDir, "admin.token"), "utf8").trim();
    const accepted = new Set<string>();
    let unanswered = 0;
    let restart: Promise<void> | undefined;
    const crash = async () => {
      await stop(server.proc, "SIGKILL");
      server = await startServer(dataDir, [], new URL(url).host);
    };
    let next = 0;
    // Like a real client: an unanswered submission is sent again once the server is back.
    const worker = async () => {
      for (let i = next++; i < JOBS; i = next++) {
        const spec = job(i);
        for (let attempt = 0; attempt < 300; attempt++) {
          const answer = await submit(url, token, spec);
          if (answer === 201) accepted.add(spec.name);
          if (answer !== "none") break;
          unanswered++;
          await new Promise((r) => setTimeout(r, 50));
        }
        if (!restart && accepted.size >= KILL_AFTER) restart = crash();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await restart;
    expect(restart).toBeDefined();
    expect(unanswered).toBeGreaterThan(0); // the crash really hit submissions in flight

    const names = new Set((await server.admin.listJobs()).map((j) => j.name));
    expect([...accepted].filter((n) => !names.has(n))).toEqual([]);

    await waitFor("the agents reconnected", async () => {
      const nodes = await server.admin.listNodes();
      return (nodes.length === 2 && nodes.every((n) => n.status === "ready")) || undefined;
    });
    const allocs = await waitFor("every job placed and started", async () => {
      const [jobs, list] = await Promise.all([
        server.admin.listJobs(),
        server.admin.listAllocations(),
      ]);
      const placed = new Set(list.map((a) => a.jobId));
      const busy = list.some((a) => a.status === "pending" && a.desiredStatus === "run");
      return !busy && jobs.every((j) => placed.has(j.id)) ? list : undefined;
    });
    const perInstance = new Map<string, number>();
    for (const a of allocs.filter(live)) {
      const key = `${a.jobId}/${a.task}/${a.index}`;
      perInstance.set(key, (perInstance.get(key) ?? 0) + 1);
    }
    expect([...perInstance.entries()].filter(([, n]) => n > 1)).toEqual([]);
    // What the agents really run agrees: one process per service job, no stray copy.
    const services = (await server.admin.listJobs()).filter((j) => j.type === "service").length;
    await waitFor("one task process per service", () => tasksUnder(dir) === services || undefined);
  });
});
