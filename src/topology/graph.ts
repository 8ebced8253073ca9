/** A network link's figures: round-trip latency and bandwidth (declared or measured). */
export interface LinkFigures {
  latencyMs: number;
  bandwidthMbps: number;
}

export interface Link extends LinkFigures {
  from: string;
  to: string;
}

/**
 * The network between places (sites, nodes, the cloud) as a graph. Links are symmetric unless
 * added with `oneWay`. Pure data: no I/O.
 */
export class TopologyGraph {
  private readonly adjacency = new Map<string, Map<string, LinkFigures>>();

  addNode(id: string): this {
    if (!this.adjacency.has(id)) this.adjacency.set(id, new Map());
    return this;
  }

  addLink(from: string, to: string, figures: LinkFigures, oneWay = false): this {
    if (!(figures.latencyMs >= 0) || !(figures.bandwidthMbps > 0)) {
      throw new Error(`link ${from}→${to}: latencyMs must be ≥ 0 and bandwidthMbps > 0`);
    }
    this.addNode(from).addNode(to);
    this.adjacency.get(from)?.set(to, { ...figures });
    if (!oneWay) this.adjacency.get(to)?.set(from, { ...figures });
    return this;
  }

  nodes(): string[] {
    return [...this.adjacency.keys()];
  }

  link(from: string, to: string): LinkFigures | undefined {
    return this.adjacency.get(from)?.get(to);
  }

  neighbours(id: string): Array<[string, LinkFigures]> {
    return [...(this.adjacency.get(id) ?? new Map<string, LinkFigures>())];
  }

  links(): Link[] {
    const out: Link[] = [];
    for (const [from, to] of this.adjacency)
      for (const [t, f] of to) out.push({ from, to: t, ...f });
    return out;
  }
}
