import { describe, expect, it } from "vitest";
import type { Topology } from "../../../src/model/index.js";
import { layoutTopology } from "./topology-layout.js";

function fleet(sites: number, perSite: number): Topology {
  const nodes: Topology["nodes"] = [];
  for (let s = 0; s < sites; s++) {
    for (let n = 0; n < perSite; n++) {
      nodes.push({
        id: `${s}-${n}`,
        name: `n-${s}-${n}`,
        site: `site-${s}`,
        status: "ready" as const,
        serverRttMs: null,
      });
    }
  }
  const siteList = Array.from({ length: sites }, (_, s) => ({
    name: `site-${s}`,
    nodes: nodes.filter((n) => n.site === `site-${s}`).map((n) => n.name),
  }));
  return { sites: siteList, nodes, links: [] };
}

describe("topology layout", () => {
  it("gives every node its own place, a site's nodes together, places on top", () => {
    const t = fleet(12, 25);
    const pos = layoutTopology(t, ["cloud"]);
    const keys = new Set([...pos.values()].map((p) => `${p.x},${p.y}`));
    expect(keys.size).toBe(pos.size);
    expect(pos.size).toBe(300 + 2);
    for (const site of t.sites) {
      const ps = site.nodes.map((n) => pos.get(`node:${n}`)!);
      const xs = ps.map((p) => p.x);
      const ys = ps.map((p) => p.y);
      // 25 nodes: a 5×5 block
      expect(Math.max(...xs) - Math.min(...xs)).toBe(4 * 70);
      expect(Math.max(...ys) - Math.min(...ys)).toBe(4 * 70);
    }
    const nodeYs = [...pos.entries()].filter(([k]) => k.startsWith("node:")).map(([, p]) => p.y);
    expect(pos.get("server")!.y).toBeLessThan(Math.min(...nodeYs));
    expect(pos.get("place:cloud")!.y).toBe(pos.get("server")!.y);
  });

  it("is the same for the same topology", () => {
    const t = fleet(3, 4);
    expect([...layoutTopology(t, [])]).toEqual([...layoutTopology(t, [])]);
  });
});
