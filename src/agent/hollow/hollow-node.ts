import type { Logger } from "pino";
import type { AgentAlloc, AgentMessage, AllocReport, ServerMessage } from "../../model/index.js";
import { DesiredState } from "../desired-state.js";
import { ReportBatcher } from "../report-batcher.js";
import { AgentSessionClient } from "../session.js";

export interface HollowNodeOptions {
  sessionUrl: string;
  token: string;
  nodeId: string;
  hello: Omit<Extract<AgentMessage, { type: "hello" }>, "type" | "allocs" | "sync">;
  /** An allocation goes `running` this long after it arrives. */
  runDelayMs: number;
  logger: Logger;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

interface Pretend {
  status: AllocReport["status"];
  timers: NodeJS.Timeout[];
}

/**
 * One simulated node in a `--hollow` agent: the real protocol (session, numbered desired state,
 * acks, heartbeats, reports), a pretend driver. An allocation goes `running` after `runDelayMs`;
 * a batch task completes after its `config.durationMs` (services never end); stop is immediate.
 */
export class HollowNode {
  private readonly session: AgentSessionClient;
  private readonly desired = new DesiredState();
  private readonly tasks = new Map<string, Pretend>();
  private readonly batcher: ReportBatcher;

  constructor(private readonly opts: HollowNodeOptions) {
    this.batcher = new ReportBatcher((msg) => this.session.send(msg));
    this.session = new AgentSessionClient(
      {
        url: opts.sessionUrl,
        token: opts.token,
        minDelayMs: opts.reconnectMinMs,
        maxDelayMs: opts.reconnectMaxMs,
        logger: opts.logger,
      },
      {
        hello: async () => ({
          type: "hello",
          ...opts.hello,
          allocs: this.reports(),
          ...(this.desired.at ? { sync: this.desired.at } : {}),
        }),
        onMessage: (msg) => this.onMessage(msg),
        onUnauthorized: () => opts.logger.error({ node: opts.nodeId }, "hollow node refused"),
      },
    );
  }

  get connected(): boolean {
    return this.session.connected;
  }

  start(): void {
    this.session.start();
  }

  private reports(): AllocReport[] {
    return [...this.tasks.entries()].map(([allocId, t]) => ({
      allocId,
      status: t.status,
      restarts: 0,
    }));
  }

  private report(allocId: string, status: AllocReport["status"]): void {
    const t = this.tasks.get(allocId);
    if (t) t.status = status;
    this.batcher.push({ allocId, status, restarts: 0 });
  }

  private onMessage(msg: ServerMessage): void {
    if (msg.type === "allocs") {
      const outcome = this.desired.apply(msg);
      if (outcome === "resync") {
        this.session.send({ type: "resync" });
        return;
      }
      if (outcome === "applied") this.converge(this.desired.list());
      this.session.ack({ epoch: msg.epoch, seq: msg.seq });
    } else if (msg.type === "logs") {
      this.session.send({
        type: "logs-result",
        requestId: msg.requestId,
        ok: true,
        data: `hollow node: no real output for ${msg.allocId}\n`,
      });
    } else if (msg.type === "probe") {
      this.session.send({
        type: "probe-result",
        requestId: msg.requestId,
        nodeId: msg.nodeId,
        ok: false,
        rttMs: null,
      });
    }
  }

  private converge(desired: AgentAlloc[]): void {
    const wanted = new Map(desired.map((a) => [a.id, a]));
    for (const [id, t] of this.tasks) {
      const want = wanted.get(id);
      if (want && want.desiredStatus === "run") continue;
      for (const timer of t.timers) clearTimeout(timer);
      if (t.status === "running" || t.status === "pending") this.report(id, "stopped");
      if (!want) this.tasks.delete(id);
    }
    for (const a of desired) {
      if (a.desiredStatus !== "run" || this.tasks.has(a.id)) continue;
      this.run(a);
    }
  }

  private run(a: AgentAlloc): void {
    const t: Pretend = { status: "pending", timers: [] };
    this.tasks.set(a.id, t);
    t.timers.push(
      setTimeout(() => {
        this.report(a.id, "running");
        const duration = Number(a.taskSpec.config.durationMs);
        if (a.jobType === "batch") {
          const ms = Number.isFinite(duration) && duration >= 0 ? duration : 0;
          t.timers.push(setTimeout(() => this.report(a.id, "complete"), ms));
        }
      }, this.opts.runDelayMs),
    );
  }

  close(): void {
    for (const t of this.tasks.values()) for (const timer of t.timers) clearTimeout(timer);
    this.session.close();
  }
}
