import { mkdir, readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { BrinkClient } from "../../client/index.js";
import { CliError } from "../errors.js";
import type { Output } from "../output/print.js";
import { table } from "../output/table.js";
import { packageRoot } from "../paths.js";
import { type Child, spawnBrink, stopChild } from "./children.js";

export interface DevOptions {
  dataDir: string;
  listen: string;
  demo: boolean;
  output: Output;
}

/** The three local agents: two on site-a, one on site-b, with distinct labels. */
export const DEV_AGENTS = [
  { name: "edge-1", site: "site-a", labels: ["zone=a", "tier=edge"] },
  { name: "edge-2", site: "site-a", labels: ["zone=b", "tier=edge"] },
  { name: "edge-3", site: "site-b", labels: ["zone=c", "tier=gateway"] },
] as const;

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new CliError(`timed out waiting for ${what}`);
}

async function submitDemo(client: BrinkClient, out: Output): Promise<void> {
  const dir = join(packageRoot(), "examples");
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const f of files) {
    const job = await client.submitJob(await readFile(join(dir, f), "utf8"));
    out.out(`  submitted examples/${f} → job "${job.name}"`);
  }
}

/** `brink dev`: a server and three agents as separate processes, all data under one directory. */
export async function runDev(opts: DevOptions): Promise<void> {
  const dataDir = resolve(opts.dataDir);
  const logs = join(dataDir, "logs");
  await mkdir(logs, { recursive: true });
  const addr = `http://${opts.listen}`;
  const children: Child[] = [];
  const server = spawnBrink(
    "server",
    ["server", "--listen", opts.listen, "--data-dir", dataDir, "--heartbeat-grace", "5000"],
    join(logs, "server.log"),
  );
  children.push(server);
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    opts.output.out("\nStopping agents and server...");
    await Promise.all(children.filter((c) => c !== server).map((c) => stopChild(c, 10_000)));
    await stopChild(server, 10_000);
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  void server.exited.then((code) => {
    if (shuttingDown) return;
    opts.output.err(`The server exited (code ${code}); see ${server.logFile}`);
    void shutdown(1);
  });
  const probe = new BrinkClient({ addr });
  await until("the server to answer", 30_000, () => probe.health());
  const token = (await readFile(join(dataDir, "admin.token"), "utf8")).trim();
  const joinToken = join(dataDir, "join.token");
  for (const a of DEV_AGENTS) {
    const args = [
      "agent",
      "--server",
      addr,
      "--join-token-file",
      joinToken,
      "--name",
      a.name,
      "--site",
      a.site,
      "--data-dir",
      join(dataDir, "agents", a.name),
      "--stop-tasks-on-exit",
      // The first agent's load balancer takes the usual port; the others any free one.
      "--lb-listen",
      a === DEV_AGENTS[0] ? "127.0.0.1:7701" : "127.0.0.1:0",
    ];
    for (const l of a.labels) args.push("--label", l);
    children.push(spawnBrink(a.name, args, join(logs, `${a.name}.log`)));
  }
  const client = new BrinkClient({ addr, token });
  await until("3 ready nodes", 30_000, async () => {
    const nodes = await client.listNodes();
    return DEV_AGENTS.every((a) => nodes.some((n) => n.name === a.name && n.status === "ready"))
      ? nodes
      : undefined;
  });
  const o = opts.output;
  o.out(
    `Brink dev cluster is up: server and ${DEV_AGENTS.length} agents (edge-1, edge-2 on site-a; edge-3 on site-b).`,
  );
  o.out(`  Dashboard  ${addr}/ui/#token=${token}`);
  o.out(`  API        ${addr}`);
  o.out(`  Token      ${token}   (also in ${join(dataDir, "admin.token")})`);
  o.out(`  Metrics    ${addr}/metrics`);
  o.out(`  Logs       ${logs}/`);
  o.out(
    `\n${table(
      ["NODE", "SITE", "STATUS", "CPU(m)", "LABELS"],
      (await client.listNodes()).map((n) => [
        n.name,
        n.site,
        n.status,
        String(n.resources.cpu),
        Object.entries(n.labels)
          .filter(([k]) => !k.startsWith("brink/"))
          .map(([k, v]) => `${k}=${v}`)
          .join(","),
      ]),
    )}`,
  );
  if (opts.demo) {
    o.out("\nDemo jobs:");
    await submitDemo(client, o);
    const jobs = await until("demo jobs to start", 15_000, async () => {
      const list = await client.listJobs();
      return list.every((j) => j.status !== "pending") ? list : undefined;
    }).catch(() => client.listJobs());
    o.out(
      `\n${table(
        ["JOB", "TYPE", "STATUS"],
        jobs.map((j) => [j.name, j.type, j.status]),
      )}`,
    );
  }
  o.out("\nTry (in another terminal, from this directory):");
  o.out(
    "  npx brink node ls\n  npx brink job ls\n  npx brink job status hello\n  npx brink alloc logs <alloc-id>",
  );
  o.out("\nPress Ctrl-C to stop everything.");
  await new Promise<never>(() => undefined);
}
