import cytoscape, { type ElementDefinition } from "cytoscape";
import { useEffect, useRef } from "react";
import type { Topology } from "../../../src/model/index.js";
import { useSession } from "../auth/session.js";
import { Status } from "../components/status.js";
import { useRevision } from "../live/fleet.js";
import { useFetch } from "../live/use-fetch.js";
import { layoutTopology } from "./topology-layout.js";

/** Link colour by latency: green under 10 ms, amber under 50 ms, red above. */
export function latencyTone(ms: number): "good" | "warn" | "bad" {
  return ms < 10 ? "good" : ms < 50 ? "warn" : "bad";
}

const css = (name: string) =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim();

const SERVER_EDGES_UP_TO = 40;

/** Graph elements, and the places (not sites, not nodes: the cloud) that links mention. */
function elements(t: Topology): { els: ElementDefinition[]; places: string[] } {
  const places: string[] = [];
  const out: ElementDefinition[] = [];
  const sites = new Set(t.sites.map((s) => s.name));
  for (const s of t.sites)
    out.push({ data: { id: `site:${s.name}`, label: s.name, kind: "site" } });
  for (const n of t.nodes) {
    out.push({
      data: {
        id: `node:${n.name}`,
        parent: `site:${n.site}`,
        label: n.name,
        kind: "node",
        status: n.status,
      },
    });
  }
  // The control plane and each node's measured RTT to it (left out of big fleets: too many lines).
  if (t.nodes.length <= SERVER_EDGES_UP_TO) {
    out.push({ data: { id: "server", label: "control plane", kind: "place" } });
    for (const n of t.nodes) {
      if (n.serverRttMs === null) continue;
      out.push({
        data: {
          id: `rtt:${n.name}`,
          source: "server",
          target: `node:${n.name}`,
          label: `${n.serverRttMs.toFixed(1)} ms`,
          tone: latencyTone(n.serverRttMs),
          kind: "server",
        },
      });
    }
  }
  const ids = new Set(out.map((e) => e.data.id));
  for (const [i, l] of t.links.entries()) {
    const end = (x: string) =>
      l.kind === "measured" ? `node:${x}` : sites.has(x) ? `site:${x}` : `place:${x}`;
    for (const x of [l.from, l.to]) {
      if (!ids.has(end(x))) {
        ids.add(end(x));
        places.push(x);
        out.push({ data: { id: end(x), label: x, kind: "place" } });
      }
    }
    out.push({
      data: {
        id: `link:${i}`,
        source: end(l.from),
        target: end(l.to),
        label: `${l.latencyMs.toFixed(1)} ms`,
        tone: latencyTone(l.latencyMs),
        kind: l.kind,
      },
    });
  }
  return { els: out, places };
}

function style(): cytoscape.StylesheetJson {
  const fg = css("--fg") || "#222";
  return [
    {
      selector: "node",
      style: {
        label: "data(label)",
        color: fg,
        "font-size": 11,
        "min-zoomed-font-size": 7,
        "text-valign": "bottom",
        "text-margin-y": 4,
      },
    },
    {
      selector: 'node[kind="node"]',
      style: { "background-color": css("--good") || "green", width: 18, height: 18 },
    },
    { selector: 'node[status="down"]', style: { "background-color": css("--bad") || "red" } },
    {
      selector: 'node[status="suspect"], node[status="disconnected"], node[status="initializing"]',
      style: { "background-color": css("--warn") || "orange" },
    },
    {
      selector: 'node[kind="site"]',
      style: {
        "background-color": css("--bg-2") || "#eee",
        "border-color": css("--line") || "#999",
        "border-width": 1,
        "text-valign": "top",
        "font-weight": "bold",
        "font-size": 16,
        shape: "round-rectangle",
      },
    },
    {
      selector: 'node[kind="place"]',
      style: { "background-color": css("--accent") || "blue", shape: "diamond" },
    },
    {
      selector: "edge",
      style: {
        width: 2,
        label: "data(label)",
        "font-size": 9,
        color: fg,
        "curve-style": "bezier",
        "text-background-color": css("--bg") || "#fff",
        "text-background-opacity": 0.8,
        "text-background-padding": "1px",
      },
    },
    { selector: 'edge[kind="declared"]', style: { "line-style": "dashed", width: 3 } },
    { selector: 'edge[kind="server"]', style: { "line-style": "dotted", width: 1.5 } },
    { selector: 'edge[tone="good"]', style: { "line-color": css("--good") || "green" } },
    { selector: 'edge[tone="warn"]', style: { "line-color": css("--warn") || "orange" } },
    { selector: 'edge[tone="bad"]', style: { "line-color": css("--bad") || "red" } },
  ];
}

function Graph({ topology }: { topology: Topology }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const { els, places } = elements(topology);
    const box = host.current.getBoundingClientRect();
    const at = layoutTopology(topology, places, box.width / Math.max(1, box.height));
    const cy = cytoscape({
      container: host.current,
      elements: els,
      style: style(),
      layout: {
        name: "preset",
        positions: Object.fromEntries(at),
        fit: true,
        padding: 24,
      },
      maxZoom: 1.5,
    });
    return () => cy.destroy();
  }, [topology]);
  return <div className="graph" ref={host} data-testid="topology-graph" />;
}

/** A site: its nodes with their RTT to the control plane (a summary for big sites). */
function SiteLine({ site, nodes }: { site: string; nodes: Topology["nodes"] }) {
  const rtts = nodes.flatMap((n) => (n.serverRttMs === null ? [] : [n.serverRttMs]));
  rtts.sort((a, b) => a - b);
  const median = rtts[Math.floor(rtts.length / 2)];
  if (nodes.length > 12) {
    const ready = nodes.filter((n) => n.status === "ready").length;
    return (
      <li>
        <b>{site}</b>: {nodes.length} nodes, {ready} ready
        {median !== undefined && (
          <span className="muted">, median {median.toFixed(1)} ms to server</span>
        )}
      </li>
    );
  }
  return (
    <li>
      <b>{site}</b>:{" "}
      {nodes.map((n) => (
        <span key={n.id} className="site-node">
          {n.name} <Status value={n.status} />
          {n.serverRttMs !== null && (
            <span className="muted"> {n.serverRttMs.toFixed(1)} ms to server</span>
          )}
        </span>
      ))}
    </li>
  );
}

/** Sites and their nodes as a graph; links (declared between sites, measured between nodes) coloured by latency. */
export function TopologyPage() {
  const { client } = useSession();
  const rev = useRevision("topology");
  const topo = useFetch(() => client.topology(), [rev]);
  const t = topo.data;
  return (
    <section>
      <header className="page-head">
        <h1>Topology</h1>
        <span className="legend">
          <span className="tone good">&lt; 10 ms</span>
          <span className="tone warn">&lt; 50 ms</span>
          <span className="tone bad">≥ 50 ms</span>
          <span className="muted">
            solid: measured between nodes, dashed: declared, dotted: to the control plane
          </span>
        </span>
      </header>
      {topo.error && <p className="error">{topo.error}</p>}
      {t ? <Graph topology={t} /> : <p className="muted">Loading…</p>}
      {t && (
        <div className="two-cols">
          <div>
            <h2>Sites</h2>
            <ul className="plain">
              {t.sites.map((s) => (
                <SiteLine
                  key={s.name}
                  site={s.name}
                  nodes={t.nodes.filter((n) => n.site === s.name)}
                />
              ))}
            </ul>
          </div>
          <div>
            <h2>Links</h2>
            {t.links.length === 0 ? (
              <p className="muted">No link measured or declared yet.</p>
            ) : (
              <ul className="plain">
                {t.links.map((l) => (
                  <li key={`${l.kind}:${l.from}:${l.to}`}>
                    <span className={`tone ${latencyTone(l.latencyMs)}`}>
                      {l.latencyMs.toFixed(1)} ms
                    </span>{" "}
                    {l.from} — {l.to}{" "}
                    <span className="muted">
                      ({l.kind}
                      {l.bandwidthMbps ? `, ${l.bandwidthMbps} Mbit/s` : ""})
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
