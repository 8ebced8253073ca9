import { createServer } from "node:net";
import type { AllocPort, PortSpec } from "../../model/index.js";

/** Whether a TCP port can be bound on every interface right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "0.0.0.0", exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

export interface PortRange {
  min: number;
  max: number;
}

/** Default range host ports are assigned from (`--port-range`). */
export const DEFAULT_PORT_RANGE: PortRange = { min: 20000, max: 32000 };

/**
 * Assigns host ports to allocations from a range: a port is given only when no allocation of
 * this agent holds it and it can be bound right now (something else on the machine may use
 * it). Candidates are tried in random order so agents sharing a machine rarely race.
 */
export class PortPool {
  private readonly held = new Set<number>();

  constructor(
    private readonly range: PortRange = DEFAULT_PORT_RANGE,
    private readonly random: () => number = Math.random,
    private readonly free: (port: number) => Promise<boolean> = portFree,
  ) {}

  /** Marks ports as taken (a task adopted after an agent restart still holds them). */
  reserve(ports: readonly AllocPort[]): void {
    for (const p of ports) this.held.add(p.port);
  }

  release(ports: readonly AllocPort[]): void {
    for (const p of ports) this.held.delete(p.port);
  }

  /**
   * One host port per spec; `preferred` ports (the ones it had before an agent restart) are
   * kept when still free. Throws when the range has no free port left.
   */
  async assign(
    specs: readonly PortSpec[],
    preferred: readonly AllocPort[] = [],
  ): Promise<AllocPort[]> {
    const out: AllocPort[] = [];
    try {
      for (const spec of specs) {
        const before = preferred.find((p) => p.name === spec.name);
        const port =
          before && !this.held.has(before.port) && (await this.free(before.port))
            ? before.port
            : await this.pick();
        this.held.add(port);
        out.push(spec.to === undefined ? { name: spec.name, port } : { ...spec, port });
      }
      return out;
    } catch (err) {
      this.release(out);
      throw err;
    }
  }

  private async pick(): Promise<number> {
    const size = this.range.max - this.range.min + 1;
    const start = Math.floor(this.random() * size);
    // A random start, then a stride through the range: every port is tried at most once.
    const stride = size % 7919 === 0 ? 1 : 7919;
    for (let i = 0; i < size; i++) {
      const port = this.range.min + ((start + i * stride) % size);
      if (this.held.has(port)) continue;
      if (await this.free(port)) return port;
    }
    throw new Error(`no free port in ${this.range.min}-${this.range.max}`);
  }
}
