import { useMemo, useState } from "react";
import { Link, useSearch } from "wouter";
import { NODE_STATUSES, type NodeView } from "../../../src/model/node.js";
import { cores, count, mib, UsageBar } from "../components/bar.js";
import { type Column, SortableTable } from "../components/sortable.js";
import { Status } from "../components/status.js";
import { Ago } from "../components/time.js";
import { useFleet } from "../live/fleet.js";
import { gpusInUse, userLabels } from "../live/usage.js";

function matches(n: NodeView, text: string): boolean {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  const hay = [n.name, n.id, n.site, n.status, ...userLabels(n)].join(" ").toLowerCase();
  return q.split(/\s+/).every((w) => hay.includes(w));
}

/** Every node: sortable by any column, filtered by text (name, site, labels) and status. */
export function NodesPage() {
  const { nodes, allocs, loaded } = useFleet();
  const [text, setText] = useState("");
  // `?status=down` (the Overview's counts link here) preselects the status filter.
  const search = useSearch();
  const [status, setStatus] = useState(() => new URLSearchParams(search).get("status") ?? "");
  const gpus = useMemo(() => gpusInUse(allocs), [allocs]);
  const rows = nodes.filter((n) => (!status || n.status === status) && matches(n, text));
  const columns: Column<NodeView>[] = [
    {
      key: "name",
      title: "Name",
      sort: (n) => n.name,
      cell: (n) => <Link href={`/nodes/${encodeURIComponent(n.name)}`}>{n.name}</Link>,
    },
    { key: "site", title: "Site", sort: (n) => n.site, cell: (n) => n.site },
    {
      key: "status",
      title: "Status",
      sort: (n) => n.status,
      cell: (n) => (
        <>
          <Status value={n.status} />
          {!n.eligible && <span className="tag">ineligible</span>}
        </>
      ),
    },
    {
      key: "labels",
      title: "Labels",
      sort: (n) => userLabels(n).join(","),
      cell: (n) => (
        <span className="labels">
          {userLabels(n).map((l) => (
            <span key={l} className="tag">
              {l}
            </span>
          ))}
        </span>
      ),
    },
    {
      key: "cpu",
      title: "CPU (cores)",
      sort: (n) => n.allocated.cpu / Math.max(1, n.resources.cpu),
      cell: (n) => (
        <UsageBar label="CPU" used={n.allocated.cpu} total={n.resources.cpu} unit={cores} />
      ),
    },
    {
      key: "memory",
      title: "Memory",
      sort: (n) => n.allocated.memory / Math.max(1, n.resources.memory),
      cell: (n) => (
        <UsageBar label="Memory" used={n.allocated.memory} total={n.resources.memory} unit={mib} />
      ),
    },
    {
      key: "gpu",
      title: "GPU",
      sort: (n) => n.gpus.length,
      cell: (n) => (
        <UsageBar label="GPU" used={gpus.get(n.id) ?? 0} total={n.gpus.length} unit={count} />
      ),
    },
    {
      key: "heartbeat",
      title: "Last heartbeat",
      sort: (n) => n.lastHeartbeat ?? "",
      cell: (n) => <Ago iso={n.lastHeartbeat} />,
    },
  ];
  return (
    <section>
      <header className="page-head">
        <h1>Nodes</h1>
        <span className="muted">
          {rows.length} of {nodes.length}
        </span>
      </header>
      <div className="filters">
        <input
          type="search"
          placeholder="Filter: name, site, label…"
          aria-label="Filter nodes"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">any status</option>
          {NODE_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <SortableTable
        label="Nodes"
        columns={columns}
        rows={rows}
        rowKey={(n) => n.id}
        initialSort="name"
        empty={loaded ? "No node matches." : "Loading…"}
      />
    </section>
  );
}
