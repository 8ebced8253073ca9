/** Small SVG chart builders for the simulator's report: plain strings, no library, no network. */

export const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#7f7f7f",
  "#bcbd22",
];

export function esc(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color?: string;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  xMax?: number;
  yMax?: number;
  /** Vertical markers (e.g. failures) at x, with a label. */
  marks?: readonly { x: number; label: string }[];
  /** Step lines (CDF) instead of straight segments. */
  step?: boolean;
}

const W = 640;
const H = 300;
const M = { left: 60, right: 150, top: 30, bottom: 45 };

/** A "nice" upper bound for an axis (1, 2 or 5 × 10^k). */
export function niceMax(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function fmt(x: number): string {
  if (x === 0) return "0";
  if (Math.abs(x) >= 1000) return `${Math.round(x / 100) / 10}k`;
  if (Math.abs(x) >= 10) return String(Math.round(x));
  return String(Math.round(x * 100) / 100);
}

function axes(xMax: number, yMax: number, xLabel: string, yLabel: string): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const out: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const y = M.top + ph - (i / 5) * ph;
    const x = M.left + (i / 5) * pw;
    out.push(
      `<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${fmt((i / 5) * yMax)}</text>`,
      `<text x="${x}" y="${M.top + ph + 16}" text-anchor="middle">${fmt((i / 5) * xMax)}</text>`,
    );
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="14" y="${M.top + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${M.top + ph / 2})">${esc(yLabel)}</text>`,
  );
  return out.join("");
}

function legend(names: readonly { name: string; color: string }[]): string {
  return names
    .map((s, i) => {
      const y = M.top + 10 + i * 16;
      const x = W - M.right + 12;
      return `<rect x="${x}" y="${y - 8}" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="${y + 1}">${esc(s.name)}</text>`;
    })
    .join("");
}

function frame(title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11"><text x="${M.left}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>${body}</svg>`;
}

export function lineChart(c: LineChart): string {
  const all = c.series.flatMap((s) => s.points);
  const xMax = c.xMax ?? niceMax(Math.max(0, ...all.map((p) => p[0])));
  const yMax = c.yMax ?? niceMax(Math.max(0, ...all.map((p) => p[1])));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => M.left + (Math.min(x, xMax) / xMax) * pw;
  const sy = (y: number) => M.top + ph - (Math.min(y, yMax) / yMax) * ph;
  const colored = c.series.map((s, i) => ({
    ...s,
    color: s.color ?? PALETTE[i % PALETTE.length] ?? "#000",
  }));
  const lines = colored.map((s) => {
    let d = "";
    let prevY: number | undefined;
    for (const [x, y] of s.points) {
      if (d === "") d = `M${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
      else if (c.step && prevY !== undefined) d += `H${sx(x).toFixed(1)}V${sy(y).toFixed(1)}`;
      else d += `L${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
      prevY = y;
    }
    return d === "" ? "" : `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`;
  });
  const marks = (c.marks ?? []).map(
    (m, i) =>
      `<line x1="${sx(m.x)}" y1="${M.top}" x2="${sx(m.x)}" y2="${M.top + ph}" stroke="#444" stroke-dasharray="4 3"/><text x="${sx(m.x) + 3}" y="${M.top + 12 + (i % 4) * 12}" fill="#444">${esc(m.label)}</text>`,
  );
  return frame(
    c.title,
    axes(xMax, yMax, c.xLabel, c.yLabel) + lines.join("") + marks.join("") + legend(colored),
  );
}

export interface BarChart {
  title: string;
  yLabel: string;
  groups: readonly string[];
  series: readonly { name: string; values: readonly number[] }[];
}

/** Grouped vertical bars: one group per category, one bar per series. */
export function barChart(c: BarChart): string {
  const yMax = niceMax(Math.max(0, ...c.series.flatMap((s) => s.values)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const gw = pw / Math.max(1, c.groups.length);
  const bw = (gw * 0.8) / Math.max(1, c.series.length);
  const out: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const y = M.top + ph - (i / 5) * ph;
    out.push(
      `<line x1="${M.left}" y1="${y}" x2="${M.left + pw}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${fmt((i / 5) * yMax)}</text>`,
    );
  }
  c.groups.forEach((g, gi) => {
    const x0 = M.left + gi * gw + gw * 0.1;
    c.series.forEach((s, si) => {
      const v = s.values[gi] ?? 0;
      const h = (v / yMax) * ph;
      const color = PALETTE[si % PALETTE.length] ?? "#000";
      out.push(
        `<rect x="${(x0 + si * bw).toFixed(1)}" y="${(M.top + ph - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${esc(`${s.name} ${g}: ${fmt(v)}`)}</title></rect>`,
      );
    });
    if (c.groups.length <= 24)
      out.push(
        `<text x="${(x0 + gw * 0.4).toFixed(1)}" y="${M.top + ph + 16}" text-anchor="middle">${esc(g)}</text>`,
      );
  });
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
    `<text x="14" y="${M.top + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${M.top + ph / 2})">${esc(c.yLabel)}</text>`,
  );
  const names = c.series.map((s, i) => ({
    name: s.name,
    color: PALETTE[i % PALETTE.length] ?? "#000",
  }));
  return frame(c.title, out.join("") + legend(names));
}
