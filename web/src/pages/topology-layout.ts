import type { Topology } from "../../../src/model/index.js";

export interface Point {
  x: number;
  y: number;
}

/** Space between nodes in a site, and around sites. */
const STEP = 70;
const SITE_GAP = 60;

/**
 * A tidy, deterministic layout that stays readable for hundreds of nodes: the control plane and
 * other places (the cloud) on a top row, then the sites in rows, each site's nodes in a square
 * grid sorted by name. Keys are the graph's element ids (`node:<name>`, `place:<x>`, `server`).
 */
export function layoutTopology(
  t: Topology,
  places: readonly string[],
  aspect = 2,
): Map<string, Point> {
  const out = new Map<string, Point>();
  const ROW_WIDTH = rowWidth(t, aspect);
  const tops = ["server", ...places.map((p) => `place:${p}`)];
  tops.forEach((id, i) => {
    out.set(id, { x: (i - (tops.length - 1) / 2) * STEP * 2 + ROW_WIDTH / 2, y: 0 });
  });
  const sites = [...t.sites].sort((a, b) => a.name.localeCompare(b.name));
  let x = 0;
  let y = STEP * 2;
  let rowHeight = 0;
  for (const site of sites) {
    const names = t.nodes
      .filter((n) => n.site === site.name)
      .map((n) => n.name)
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const cols = Math.max(1, Math.ceil(Math.sqrt(names.length)));
    const rows = Math.max(1, Math.ceil(names.length / cols));
    const width = cols * STEP;
    if (x > 0 && x + width > ROW_WIDTH) {
      x = 0;
      y += rowHeight + SITE_GAP;
      rowHeight = 0;
    }
    names.forEach((name, i) => {
      out.set(`node:${name}`, { x: x + (i % cols) * STEP, y: y + Math.floor(i / cols) * STEP });
    });
    x += width + SITE_GAP;
    rowHeight = Math.max(rowHeight, rows * STEP);
  }
  return out;
}

/** Rows as wide as makes the whole drawing about `aspect` (width / height) of the view. */
function rowWidth(t: Topology, aspect: number): number {
  let area = 0;
  let widest = 0;
  for (const site of t.sites) {
    const n = t.nodes.filter((x) => x.site === site.name).length;
    const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
    const rows = Math.max(1, Math.ceil(n / cols));
    area += (cols * STEP + SITE_GAP) * (rows * STEP + SITE_GAP);
    widest = Math.max(widest, cols * STEP);
  }
  return Math.max(widest, Math.sqrt(area * aspect));
}
