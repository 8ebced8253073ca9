import { connect, createServer, type Server, type Socket } from "node:net";

export type FaultMode =
  | { kind: "pass" }
  /** Reset every connection and refuse new ones. */
  | { kind: "cut" }
  /** Keep connections open but deliver nothing (a dead router, not a refused port). */
  | { kind: "blackhole" }
  /** Deliver each chunk after `ms` ± `jitterMs`. */
  | { kind: "delay"; ms: number; jitterMs: number }
  /** At most `bytesPerSec` in each direction. */
  | { kind: "throttle"; bytesPerSec: number };

interface Pair {
  client: Socket;
  upstream: Socket;
}

/**
 * A TCP fault proxy for chaos tests: put it between an agent and the server and switch its mode
 * while real processes run through it.
 */
export class FaultProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<Pair>();
  mode: FaultMode = { kind: "pass" };
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server?.listen(port, "127.0.0.1", resolve));
    const addr = this.server.address();
    this.port = typeof addr === "object" && addr ? addr.port : port;
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  set(mode: FaultMode): void {
    this.mode = mode;
    if (mode.kind === "cut") {
      for (const p of this.pairs) {
        p.client.resetAndDestroy();
        p.upstream.destroy();
      }
      this.pairs.clear();
    }
  }

  private accept(client: Socket): void {
    if (this.mode.kind === "cut") {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      // A close travels like data: in delay mode it waits for the chunks still under way.
      const mode = this.mode;
      const wait = mode.kind === "delay" ? mode.ms + mode.jitterMs + 1 : 0;
      const destroy = () => {
        client.destroy();
        upstream.destroy();
      };
      if (wait > 0) setTimeout(destroy, wait);
      else destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private pipe(from: Socket, to: Socket): void {
    let budgetAt = Date.now();
    from.on("data", (chunk: Buffer) => {
      const mode = this.mode;
      if (mode.kind === "blackhole" || mode.kind === "cut") return;
      if (mode.kind === "pass") {
        to.write(chunk);
      } else if (mode.kind === "delay") {
        const ms = Math.max(0, mode.ms + (Math.random() * 2 - 1) * mode.jitterMs);
        // Keep order: a chunk never overtakes the one before it.
        budgetAt = Math.max(budgetAt, Date.now() + ms);
        setTimeout(() => to.writable && to.write(chunk), budgetAt - Date.now());
      } else {
        budgetAt = Math.max(budgetAt, Date.now()) + (chunk.length / mode.bytesPerSec) * 1000;
        setTimeout(() => to.writable && to.write(chunk), budgetAt - Date.now());
      }
    });
  }

  async stop(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
