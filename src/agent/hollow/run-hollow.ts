import type { Logger } from "pino";
import { ApiError, BrinkClient } from "../../client/index.js";
import { backoffDelay } from "../session.js";
import { HollowNode } from "./hollow-node.js";
import { type HollowProfile, hollowFingerprint } from "./profiles.js";

export interface HollowOptions {
  serverUrl: string;
  joinToken: string;
  count: number;
  profile: HollowProfile;
  /** Node names are `<prefix>-<i>`. */
  namePrefix: string;
  /** Sites the nodes are spread over round-robin (`hollow-site-<k>`). */
  sites: number;
  labels: Record<string, string>;
  runDelayMs: number;
  /** Joins in flight at once (the server also limits admissions). */
  joinConcurrency: number;
  logger: Logger;
}

export interface RunningHollow {
  nodes: HollowNode[];
  connected(): number;
  close(): void;
}

async function joinWithRetry(
  client: BrinkClient,
  req: Parameters<BrinkClient["join"]>[0],
  logger: Logger,
) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.join(req);
    } catch (err) {
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429)
        throw err;
      const delay = backoffDelay(attempt, 200, 10_000, Math.random);
      logger.debug({ node: req.name, retryInMs: delay }, "hollow join retry");
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * `brink agent --hollow N`: N simulated nodes in one process, each with its own identity,
 * credential, WebSocket session, heartbeats and resources, speaking the real protocol. The
 * scale-test tool (like Kubernetes' kubemark and KubeEdge's Edgemark).
 */
export async function startHollow(opts: HollowOptions): Promise<RunningHollow> {
  const client = new BrinkClient({
    addr: opts.serverUrl,
    token: opts.joinToken,
    timeoutMs: 60_000,
  });
  const u = new URL(opts.serverUrl);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.pathname = "/v1/agent/session";
  const nodes: HollowNode[] = new Array(opts.count);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= opts.count) return;
      const name = `${opts.namePrefix}-${i}`;
      const site = `hollow-site-${i % Math.max(1, opts.sites)}`;
      const fingerprint = hollowFingerprint(opts.profile, i, name);
      const joined = await joinWithRetry(
        client,
        { name, site, labels: opts.labels, fingerprint },
        opts.logger,
      );
      const node = new HollowNode({
        sessionUrl: u.toString(),
        token: joined.token,
        nodeId: joined.nodeId,
        hello: { fingerprint },
        runDelayMs: opts.runDelayMs,
        logger: opts.logger,
        reconnectMinMs: 500,
        reconnectMaxMs: 30_000,
      });
      nodes[i] = node;
      node.start();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.joinConcurrency) }, worker));
  opts.logger.info({ count: opts.count, profile: opts.profile }, "hollow nodes joined");
  return {
    nodes,
    connected: () => nodes.filter((n) => n?.connected).length,
    close: () => {
      for (const n of nodes) n?.close();
    },
  };
}
