import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultProxy } from "./fault-proxy.js";
import {
  type Proc,
  startAgent,
  startServer,
  type TestServer,
  teardown,
  tempDir,
  waitFor,
  waitReady,
} from "./harness.js";

/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against a real
 * server and agents. Screenshots go to test-results/screenshots/ (printed at the start).
 */
const CHROMIUM = process.env.BRINK_CHROMIUM ?? "/usr/bin/chromium";
const ROOT = resolve(import.meta.dirname, "..");
const SHOTS = join(ROOT, "test-results", "screenshots");
const UI_BUILT = existsSync(join(ROOT, "dist", "web", "index.html"));

const missing = !existsSync(CHROMIUM);
if (missing && process.env.CI === "true") {
  throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium)`);
}
if (missing)
  console.log(`test/web.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const INVALID_LINE = 10;
const INVALID = `# a job with one mistake
name: web-demo
type: service
tasks:
  - name: tick
    count: 2
    driver: exec
    config: { command: /bin/sh, args: ["-c", "echo start"] }
    resources:
      memory: -5
`;
const VALID = `# printed every 300 ms, so the log view has something to follow
name: web-demo
type: service
tasks:
  - name: tick
    count: 2
    driver: exec
    config:
      command: /bin/sh
      args: ["-c", "i=0; while true; do echo web-demo tick $i; i=$((i+1)); sleep 0.3; done"]
    resources: { cpu: 50, memory: 32 }
`;

interface Watched {
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
}

async function watch(ctx: BrowserContext): Promise<Watched> {
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`exception: ${e.message}`));
  return { page, errors };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Replaces the editor's text as a person pasting would. */
async function setEditorText(page: Page, text: string): Promise<void> {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

describe.skipIf(missing)("the dashboard in Chromium", () => {
  let dir: string;
  let server: TestServer;
  const agents: Proc[] = [];
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    if (!UI_BUILT) throw new Error("dist/web is missing: run `npm run build` first");
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    console.log(`dashboard screenshots: ${SHOTS}`);
    dir = tempDir("web");
    server = await startServer(join(dir, "server"), ["--heartbeat-grace", "3000"]);
    agents.push(startAgent(server, "edge-1", dir, ["--site", "site-a", "--label", "zone=a"]));
    agents.push(startAgent(server, "edge-2", dir, ["--site", "site-b", "--label", "zone=b"]));
    await waitReady(server, 2);
    token = readFileSync(join(dir, "server", "admin.token"), "utf8").trim();
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await teardown(agents, server, dir);
  });

  it("refuses a wrong token, then signs in and shows the nodes", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, errors } = await watch(ctx);
    await page.goto(`${server.url}/ui/`);
    await page.getByLabel("Token").fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("The server refused this token.").waitFor();
    await shot(page, "01-sign-in-refused");
    await page.getByLabel("Token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const name of ["Overview", "Nodes", "Jobs", "Topology", "Events"]) {
      await nav.getByRole("link", { name, exact: true }).waitFor();
    }
    await nav.getByRole("link", { name: "Nodes", exact: true }).click();
    const table = page.getByRole("table", { name: "Nodes" });
    await table.getByRole("link", { name: "edge-1" }).waitFor();
    await table.getByRole("link", { name: "edge-2" }).waitFor();
    expect(await table.locator("tbody tr").count()).toBe(2);
    await page.getByLabel("Filter nodes").fill("site-b");
    await waitFor("the filter", async () => (await table.locator("tbody tr").count()) === 1);
    await expect(table.getByRole("link", { name: "edge-2" }).isVisible()).resolves.toBe(true);
    await page.getByLabel("Filter nodes").fill("");
    await shot(page, "02-nodes");
    // The 401 of the wrong token is the only error the page logged.
    expect(errors.filter((e) => !e.includes("401"))).toEqual([]);
    await ctx.close();
  });

  it("signs in from a #token= link and removes the token from the address", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, errors } = await watch(ctx);
    await page.goto(`${server.url}/ui/#token=${encodeURIComponent(token)}`);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    expect(page.url()).toBe(`${server.url}/ui/`);
    expect(page.url()).not.toContain(token);
    await page.getByRole("region", { name: "Site site-a" }).waitFor();
    const byStatus = page.getByRole("region", { name: "Nodes by status" });
    await byStatus.locator("li", { hasText: "ready" }).getByText("2", { exact: true }).waitFor();
    await shot(page, "03-overview");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Token").waitFor();
    expect(await page.evaluate('localStorage.getItem("brink.token")')).toBeNull();
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("submits a job: the error at its line, plan, run, live status, logs, stop", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, errors } = await watch(ctx);
    await page.goto(`${server.url}/ui/jobs/new#token=${encodeURIComponent(token)}`);
    await page.getByRole("heading", { name: "New job" }).waitFor();

    await setEditorText(page, INVALID);
    await page.getByRole("button", { name: "Plan" }).click();
    const alert = page.getByRole("alert");
    await alert.getByText(`line ${INVALID_LINE}: tasks[0].resources.memory`).waitFor();
    // The text of each editor line, or null where no error is underlined (in the page: DOM).
    const marked = (await page.evaluate(
      `[...document.querySelectorAll(".cm-line")].map((l) =>
        l.querySelector(".cm-lintRange-error") ? l.textContent : null)`,
    )) as Array<string | null>;
    expect(marked.findIndex((l) => l !== null) + 1).toBe(INVALID_LINE);
    expect(marked.filter((l) => l !== null)).toEqual(["      memory: -5"]);
    expect(await page.locator(".cm-lint-marker-error").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Run" }).isDisabled()).toBe(true);
    await shot(page, "04-job-invalid");

    await setEditorText(page, VALID);
    await page.getByRole("button", { name: "Plan" }).click();
    const plan = page.getByRole("region", { name: "Plan" });
    await plan.getByText("2 to place").waitFor();
    expect(await page.locator(".cm-lint-marker-error").count()).toBe(0);
    await shot(page, "05-job-plan");
    await page.getByRole("button", { name: "Run" }).click();

    await page.getByRole("heading", { name: "web-demo" }).waitFor();
    expect(page.url()).toBe(`${server.url}/ui/jobs/web-demo`);
    const allocs = page.getByRole("table", { name: "Allocations" });
    // Running is reported by the agents after the page loaded: it arrives through the stream.
    await waitFor(
      "both allocations running in the page",
      async () => (await allocs.locator(".status", { hasText: "running" }).count()) === 2,
    );
    await page.locator(".page-head .status", { hasText: "running" }).waitFor();
    const history = page.getByRole("list", { name: "Job history" });
    await history.getByText("alloc.running").first().waitFor();
    await history.getByText("job.submitted").waitFor();
    await shot(page, "06-job-running");

    await allocs
      .getByRole("button", { name: /^Logs of / })
      .first()
      .click();
    const log = page.getByTestId("log-text");
    await log.getByText("web-demo tick 0").waitFor();
    const firstCount = (await log.textContent())?.split("\n").length ?? 0;
    await waitFor(
      "the log to follow new lines",
      async () => ((await log.textContent())?.split("\n").length ?? 0) > firstCount + 2,
    );
    await shot(page, "07-job-logs");

    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Stop job" }).click();
    await page.locator(".page-head .status", { hasText: "dead" }).waitFor();
    await waitFor(
      "the allocations to stop",
      async () => (await allocs.locator(".status", { hasText: "stopped" }).count()) === 2,
    );
    expect((await server.admin.getJob("web-demo")).status).toBe("dead");
    await shot(page, "08-job-stopped");

    // Edit: the editor opens with the stored spec; a changed spec runs as version 2.
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByRole("heading", { name: "Edit web-demo" }).waitFor();
    await page.locator(".cm-content", { hasText: "from version 1" }).waitFor();
    expect(await page.locator(".cm-content").textContent()).toContain("name: web-demo");
    await setEditorText(page, VALID.replace("count: 2", "count: 1"));
    await page.getByRole("button", { name: "Plan" }).click();
    await page.getByRole("region", { name: "Plan" }).getByText("1 to place").waitFor();
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByText("service, v2").waitFor();
    await waitFor(
      "version 2 running",
      async () => (await allocs.locator(".status", { hasText: "running" }).count()) === 1,
    );
    await shot(page, "08b-job-edited-v2");
    await server.admin.stopJob("web-demo");
    // The browser logs the refused plan of the invalid spec (400); nothing else may go wrong.
    expect(errors).toEqual([
      "console: Failed to load resource: the server responded with a status of 400 (Bad Request)",
    ]);
    await ctx.close();
  });

  it("explains why a job waits, per filter", async () => {
    await server.admin.submitJob(
      VALID.replace("name: web-demo", "name: too-big").replace("memory: 32", "memory: 90000000"),
    );
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, errors } = await watch(ctx);
    await page.goto(`${server.url}/ui/jobs/too-big#token=${encodeURIComponent(token)}`);
    const why = page.getByRole("note", { name: "Why unplaced" });
    await why.getByText("tick[0]").waitFor();
    expect(await why.textContent()).toContain("2 nodes: 2 exhausted memory");
    await page.locator(".page-head .status", { hasText: "pending" }).waitFor();
    await shot(page, "09-job-unplaced");
    await server.admin.stopJob("too-big");
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("shows topology and events, and renders on a phone in dark mode", async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      colorScheme: "dark",
      isMobile: true,
    });
    const { page, errors } = await watch(ctx);
    await page.goto(`${server.url}/ui/#token=${encodeURIComponent(token)}`);
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByRole("region", { name: "Site site-b" }).waitFor();
    const overflow = async () =>
      (await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      )) as number;
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot(page, "10-phone-overview-dark");

    await page.getByRole("link", { name: "Nodes", exact: true }).click();
    await page.getByRole("link", { name: "edge-1" }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot(page, "11-phone-nodes-dark");

    await page.getByRole("link", { name: "Events", exact: true }).click();
    const events = page.getByRole("list", { name: "Events" });
    await events.getByText("job.stopped").first().waitFor();
    await events.getByText("alloc.running").first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot(page, "12-phone-events-dark");

    await page.getByRole("link", { name: "Topology", exact: true }).click();
    await page.getByTestId("topology-graph").locator("canvas").first().waitFor();
    await page.getByRole("heading", { name: "Sites" }).waitFor();
    await shot(page, "13-phone-topology-dark");
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("stays correct after the event stream drops and reconnects", async () => {
    const host = new URL(server.url);
    const proxy = new FaultProxy(host.hostname, Number(host.port));
    const url = `http://127.0.0.1:${await proxy.start()}`;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, errors } = await watch(ctx);
    try {
      await page.goto(`${url}/ui/jobs#token=${encodeURIComponent(token)}`);
      const jobs = page.getByRole("table", { name: "Jobs" });
      await jobs.getByRole("link", { name: "web-demo" }).waitFor();
      await page.locator(".stream.live").waitFor();
      proxy.set({ kind: "cut" });
      await page.locator(".stream.reconnecting").waitFor();
      // While the page is cut off, the fleet changes: a job it has not seen.
      await server.admin.submitJob(VALID.replace("name: web-demo", "name: while-away"));
      proxy.set({ kind: "pass" });
      await jobs.getByRole("link", { name: "while-away" }).waitFor();
      await page.locator(".stream.live").waitFor();
      await shot(page, "14-after-reconnect");
      // Failed requests while cut are expected; nothing else may go wrong.
      expect(errors.filter((e) => !/Failed to load resource|net::ERR_/.test(e))).toEqual([]);
    } finally {
      await ctx.close();
      await proxy.stop();
    }
  });

  it("shows a node going down as it happens, with the reason in its history", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, errors } = await watch(ctx);
    await page.goto(`${server.url}/ui/nodes#token=${encodeURIComponent(token)}`);
    const table = page.getByRole("table", { name: "Nodes" });
    const row = table.locator("tr", { has: page.getByRole("link", { name: "edge-2" }) });
    await row.locator(".status", { hasText: "ready" }).waitFor();
    agents[1]?.child.kill("SIGKILL");
    // No reload: the node's status changes arrive through the event stream.
    await row.locator(".status", { hasText: "down" }).waitFor();
    await shot(page, "15-node-down");
    await row.getByRole("link", { name: "edge-2" }).click();
    await page.getByRole("heading", { name: "edge-2" }).waitFor();
    const history = page.locator(".timeline");
    await history.locator(".status", { hasText: "down" }).waitFor();
    expect(await history.textContent()).toMatch(/down/);
    await shot(page, "16-node-history");
    // From the Overview, the count of down nodes leads to exactly those nodes.
    await page.getByRole("link", { name: "Overview", exact: true }).click();
    await page.getByRole("link", { name: "1 down" }).click();
    await waitFor("the down filter", async () => (await table.locator("tbody tr").count()) === 1);
    expect(await table.locator("tbody tr").textContent()).toContain("edge-2");
    expect(await page.getByLabel("Status").inputValue()).toBe("down");
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
