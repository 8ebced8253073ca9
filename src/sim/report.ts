import type { PolicyDetail, PolicyResult } from "./result.js";
import type { Scenario } from "./scenario.js";
import { barChart, esc, lineChart, niceMax, PALETTE } from "./svg.js";

const MAX_SITES = 10;

function resultRows(results: readonly PolicyResult[]): string {
  const n = (x: number, d = 3) => x.toFixed(d);
  const head = [
    "policy",
    "tasks",
    "completed",
    "failed",
    "mean s",
    "p50 s",
    "p95 s",
    "p99 s",
    "deadline miss",
    "utilization",
    "energy kJ",
    "network MB",
    "reschedules",
    "recovery s",
    "workflow makespan s (mean)",
  ];
  const rows = results.map((r) => {
    const m = r.workflowMakespans;
    return [
      r.policy,
      String(r.tasks),
      String(r.completed),
      String(r.failed),
      n(r.meanLatency),
      n(r.p50Latency),
      n(r.p95Latency),
      n(r.p99Latency),
      `${n(r.deadlineMissRate * 100, 2)}%`,
      `${n(r.utilization * 100, 1)}%`,
      n(r.energyJ / 1000, 1),
      n(r.networkBytes / 1e6, 1),
      String(r.reschedules),
      n(r.meanRecoverySec, 2),
      m.length > 0 ? n(m.reduce((a, b) => a + b, 0) / m.length, 1) : "-",
    ];
  });
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</table>`;
}

function latencyCdf(details: readonly PolicyDetail[]): string {
  // The body of the distribution, not its tail: up to twice the largest p95 (or the p99 if less).
  const p95 = Math.max(0, ...details.map((d) => d.result.p95Latency));
  const p99 = Math.max(0, ...details.map((d) => d.result.p99Latency));
  const cut = niceMax(Math.min(2 * p95, p99) || p99);
  return lineChart({
    title: `Latency CDF per policy (completed requests, up to ${cut} s)`,
    xLabel: "latency (s)",
    yLabel: "fraction of requests",
    yMax: 1,
    xMax: cut > 0 ? cut : undefined,
    step: true,
    series: details.map((d) => ({ name: d.result.policy, points: d.latencyCdf })),
  });
}

function utilization(d: PolicyDetail): string {
  const shown = d.siteUtilization.slice(0, MAX_SITES);
  const more = d.siteUtilization.length > MAX_SITES ? ` (first ${MAX_SITES} sites)` : "";
  return lineChart({
    title: `Utilisation over time per site — ${d.result.policy}${more}`,
    xLabel: "simulated time (s)",
    yLabel: "busy slots / slots",
    yMax: Math.min(1, niceMax(Math.max(0.01, ...shown.flatMap((x) => x.values)))),
    xMax: d.sampleTimes.at(-1),
    series: shown.map((s) => ({
      name: s.site,
      points: s.values.map((v, i) => [d.sampleTimes[i] ?? 0, v] as const),
    })),
    marks: d.failures.slice(0, 12).map((f) => ({ x: f.at, label: f.label })),
  });
}

function misses(details: readonly PolicyDetail[]): string {
  const first = details[0];
  if (!first) return "";
  return lineChart({
    title: "Deadline misses over time (by arrival time), failures marked",
    xLabel: "simulated time (s)",
    yLabel: "missed / arrived",
    yMax: 1,
    xMax: first.binSec * first.misses.length,
    series: details.map((d) => ({
      name: d.result.policy,
      points: d.misses.map(
        (m, i) =>
          [(i + 0.5) * d.binSec, (d.arrivals[i] ?? 0) > 0 ? m / (d.arrivals[i] ?? 1) : 0] as const,
      ),
    })),
    marks: first.failures.slice(0, 12).map((f) => ({ x: f.at, label: f.label })),
  });
}

function energy(details: readonly PolicyDetail[]): string {
  const sites = details[0]?.energyBySite.map((e) => e.site) ?? [];
  return barChart({
    title: "Energy by site (kJ)",
    yLabel: "kJ",
    groups: sites,
    series: details.map((d) => ({
      name: d.result.policy,
      values: d.energyBySite.map((e) => e.joules / 1000),
    })),
  });
}

/**
 * The HTML report of a run: the results table and SVG charts (latency CDF per policy,
 * utilisation over time per site, deadline misses over time with failures marked, energy by
 * site). One self-contained file: inline CSS and SVG, no scripts, no network.
 */
export function renderReport(
  scenario: Scenario,
  file: string,
  details: readonly PolicyDetail[],
): string {
  const nodes = scenario.cluster.sites.reduce(
    (s, site) => s + site.nodes.reduce((t, g) => t + g.count, 0),
    0,
  );
  const failures = details[0]?.failures ?? [];
  const css = `body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}
table{border-collapse:collapse;font-size:13px;margin:12px 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}.charts{display:flex;flex-wrap:wrap;gap:16px}
.charts svg{border:1px solid #eee;background:#fff}code{background:#f5f5f5;padding:1px 4px}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>brink sim — ${esc(file)}</title><style>${css}</style></head>
<body>
<h1>brink sim report</h1>
<p>Scenario <code>${esc(file)}</code>: seed ${scenario.seed}, ${scenario.duration} s simulated, ${nodes} nodes in ${scenario.cluster.sites.length} sites, ${scenario.workloads.length} workloads, ${failures.length} failure events. Policies: ${details.map((d) => esc(d.result.policy)).join(", ")}.</p>
${resultRows(details.map((d) => d.result))}
<p>Latencies in seconds (completion − arrival, including the input and output transfers); deadline miss = requests that missed their deadline or never finished, over all requests; utilization = busy slot-time over all slot-time of the duration. See docs/simulator.md.</p>
<div class="charts">
${latencyCdf(details)}
${misses(details)}
${energy(details)}
</div>
<h2>Utilisation per site</h2>
<div class="charts">
${details.map(utilization).join("\n")}
</div>
<p style="color:#777;font-size:12px">Colours: ${PALETTE.slice(0, 3).join(", ")}, … in legend order. Generated by <code>brink sim --report</code>.</p>
</body></html>
`;
}
