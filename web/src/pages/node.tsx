import { Link } from "wouter";
import type { Allocation } from "../../../src/model/index.js";
import { useSession } from "../auth/session.js";
import { cores, mib, UsageBar } from "../components/bar.js";
import { type Column, SortableTable } from "../components/sortable.js";
import { Status } from "../components/status.js";
import { Ago, clock } from "../components/time.js";
import type { FleetEvent } from "../live/event.js";
import { useFleet, useRevision } from "../live/fleet.js";
import { userLabels } from "../live/usage.js";
import { useFetch } from "../live/use-fetch.js";

/** The node's own events: joins, status changes (with their reasons), drains, eligibility. */
const NODE_EVENTS = "node.*";

/** One node: status and why, resources, its allocations, and its status history from events. */
export function NodePage({ name }: { name: string }) {
  const { client } = useSession();
  const { nodes, allocs, jobs } = useFleet();
  const node = nodes.find((n) => n.name === name || n.id === name);
  const rev = useRevision("nodes");
  const history = useFetch<FleetEvent[]>(
    () =>
      node
        ? client.listEvents({ node: node.id, type: NODE_EVENTS, latest: 100 })
        : Promise.resolve([]),
    [node?.id, rev],
  );
  if (!node) {
    return (
      <section>
        <h1>Node {name}</h1>
        <p className="muted">{nodes.length === 0 ? "Loading…" : "No such node."}</p>
      </section>
    );
  }
  const jobName = (id: string) => jobs.find((j) => j.id === id)?.name ?? id;
  const mine = allocs.filter((a) => a.nodeId === node.id);
  const columns: Column<Allocation>[] = [
    {
      key: "id",
      title: "Allocation",
      sort: (a) => a.id,
      cell: (a) => <code>{a.id.slice(0, 8)}</code>,
    },
    {
      key: "job",
      title: "Job",
      sort: (a) => jobName(a.jobId),
      cell: (a) => (
        <Link href={`/jobs/${encodeURIComponent(jobName(a.jobId))}`}>{jobName(a.jobId)}</Link>
      ),
    },
    { key: "task", title: "Task", sort: (a) => a.task, cell: (a) => `${a.task}[${a.index}]` },
    {
      key: "status",
      title: "Status",
      sort: (a) => a.status,
      cell: (a) => <Status value={a.status} />,
    },
    {
      key: "cpu",
      title: "CPU",
      sort: (a) => a.resources.cpu,
      cell: (a) => `${cores(a.resources.cpu)} cores`,
    },
    {
      key: "memory",
      title: "Memory",
      sort: (a) => a.resources.memory,
      cell: (a) => mib(a.resources.memory),
    },
    {
      key: "updated",
      title: "Updated",
      sort: (a) => a.updatedAt,
      cell: (a) => <Ago iso={a.updatedAt} />,
    },
  ];
  return (
    <section>
      <header className="page-head">
        <h1>{node.name}</h1>
        <Status value={node.status} />
        {!node.eligible && <span className="tag">ineligible</span>}
        {node.drain && <span className="tag">draining until {clock(node.drain.deadline)}</span>}
      </header>
      <dl className="facts">
        <dt>Site</dt>
        <dd>{node.site}</dd>
        <dt>Status</dt>
        <dd>
          {node.status}{" "}
          {node.statusSince && (
            <>
              since <Ago iso={node.statusSince} />
            </>
          )}
          {node.statusReason && <div className="muted">{node.statusReason}</div>}
        </dd>
        <dt>Last heartbeat</dt>
        <dd>
          <Ago iso={node.lastHeartbeat} />
        </dd>
        <dt>Labels</dt>
        <dd>{userLabels(node).join(", ") || "none"}</dd>
        <dt>Machine</dt>
        <dd>
          {node.attributes.os}/{node.attributes.arch}, {node.attributes.cpuModel}, kernel{" "}
          {node.attributes.kernel}
        </dd>
        <dt>Drivers</dt>
        <dd>{node.drivers.join(", ")}</dd>
        <dt>Id</dt>
        <dd>
          <code>{node.id}</code>
        </dd>
      </dl>
      <h2>Resources</h2>
      <div className="resources">
        <span>CPU (cores)</span>
        <UsageBar label="CPU" used={node.allocated.cpu} total={node.resources.cpu} unit={cores} />
        <span>Memory</span>
        <UsageBar
          label="Memory"
          used={node.allocated.memory}
          total={node.resources.memory}
          unit={mib}
        />
        <span>Disk</span>
        <UsageBar label="Disk" used={node.allocated.disk} total={node.resources.disk} unit={mib} />
        <span>GPUs</span>
        <span>
          {node.gpus.length === 0
            ? "none"
            : node.gpus.map((g) => `${g.model} (${mib(g.memory)})`).join(", ")}
        </span>
      </div>
      <h2>Allocations</h2>
      <SortableTable
        label="Allocations on this node"
        columns={columns}
        rows={mine}
        rowKey={(a) => a.id}
        initialSort="status"
        empty="No allocation on this node."
      />
      <h2>Status history</h2>
      {history.error && <p className="error">{history.error}</p>}
      <ol className="timeline">
        {[...(history.data ?? [])].reverse().map((e) => (
          <li key={e.id}>
            <time dateTime={e.time}>{new Date(e.time).toLocaleString()}</time>
            <Status value={e.type.replace(/^node\./, "")} /> {e.message}
          </li>
        ))}
        {history.data?.length === 0 && <li className="muted">No status change recorded.</li>}
      </ol>
    </section>
  );
}
