import { useState } from "react";
import { Link, useLocation } from "wouter";
import { stringify } from "yaml";
import type { Allocation, Job } from "../../../src/model/index.js";
import { useSession } from "../auth/session.js";
import { cores, mib } from "../components/bar.js";
import { EventList } from "../components/event-list.js";
import { LogsPanel } from "../components/logs.js";
import { type Column, SortableTable } from "../components/sortable.js";
import { Status } from "../components/status.js";
import { Ago } from "../components/time.js";
import type { FleetEvent } from "../live/event.js";
import { useFleet, useRevision } from "../live/fleet.js";
import { useFetch } from "../live/use-fetch.js";

/** "bin-pack 4.0, anti-affinity 100.0" (the rankers' scores, without the weighted total). */
export function scoreParts(score: Record<string, number>): string {
  return Object.entries(score)
    .filter(([k]) => k !== "total")
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(", ");
}

function Placement({
  allocs,
  nodeName,
}: {
  allocs: Allocation[];
  nodeName: (id: string | null) => string;
}) {
  const pending = allocs.filter((a) => a.status === "pending" && a.nodeId === null);
  const placed = allocs.filter((a) => a.score && a.status !== "stopped");
  return (
    <>
      <h2>Placement</h2>
      {pending.length > 0 && (
        <div className="unplaced" role="note" aria-label="Why unplaced">
          <h3>Why unplaced</h3>
          <ul>
            {pending.map((a) => (
              <li key={a.id}>
                <b>
                  {a.task}[{a.index}]
                </b>{" "}
                {a.reasons.at(-1) ?? "waiting for the scheduler"}
              </li>
            ))}
          </ul>
        </div>
      )}
      {placed.length > 0 ? (
        <ul className="scores">
          {placed.map((a) => (
            <li key={a.id}>
              <b>
                {a.task}[{a.index}]
              </b>{" "}
              on {nodeName(a.nodeId)}: score {(a.score?.total ?? 0).toFixed(1)} (
              {scoreParts(a.score ?? {})})
            </li>
          ))}
        </ul>
      ) : (
        pending.length === 0 && <p className="muted">Nothing placed yet.</p>
      )}
    </>
  );
}

/** `command args…` of an exec task's config. */
function commandLine(config: Record<string, unknown>): string {
  const args = Array.isArray(config.args) ? config.args.map(String) : [];
  return [String(config.command ?? ""), ...args].join(" ");
}

function Tasks({ job }: { job: Job }) {
  return (
    <div className="table-wrap">
      <table aria-label="Tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th>Driver</th>
            <th>Count</th>
            <th>CPU</th>
            <th>Memory</th>
            <th>Command</th>
          </tr>
        </thead>
        <tbody>
          {job.spec.tasks.map((t) => (
            <tr key={t.name}>
              <td data-label="Task">{t.name}</td>
              <td data-label="Driver">{t.driver}</td>
              <td data-label="Count">{job.type === "system" ? "per node" : t.count}</td>
              <td data-label="CPU">{cores(t.resources.cpu)} cores</td>
              <td data-label="Memory">{mib(t.resources.memory)}</td>
              <td data-label="Command">
                <code>{commandLine(t.config)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One job: tasks, allocations (open their logs), placement explanation, versions; edit, stop. */
export function JobPage({ name }: { name: string }) {
  const { client } = useSession();
  const { nodes } = useFleet();
  const [, navigate] = useLocation();
  const rev = useRevision("jobs", "allocs");
  const job = useFetch(() => client.getJob(name), [name, rev]);
  const allocs = useFetch(() => client.jobAllocations(name), [name, rev]);
  const versions = useFetch(() => client.jobVersions(name), [name, useRevision("jobs")]);
  const history = useFetch<FleetEvent[]>(() => client.jobEvents(name, { latest: 50 }), [name, rev]);
  const [logsOf, setLogsOf] = useState<string>();
  const [stopError, setStopError] = useState<string>();
  const nodeName = (id: string | null) =>
    id ? (nodes.find((n) => n.id === id)?.name ?? id.slice(0, 8)) : "—";
  if (!job.data) {
    return (
      <section>
        <h1>Job {name}</h1>
        <p className={job.error ? "error" : "muted"}>{job.error ?? "Loading…"}</p>
      </section>
    );
  }
  const j = job.data;
  const list = allocs.data ?? [];
  const shown = list.filter((a) => a.status !== "stopped" || a.jobVersion === j.version);
  const logsAlloc = list.find((a) => a.id === logsOf);
  const stop = async () => {
    if (!window.confirm(`Stop job ${j.name}? Its allocations are stopped.`)) return;
    try {
      await client.stopJob(j.name);
      setStopError(undefined);
    } catch (err) {
      setStopError(err instanceof Error ? err.message : String(err));
    }
  };
  const columns: Column<Allocation>[] = [
    {
      key: "id",
      title: "Allocation",
      sort: (a) => a.id,
      cell: (a) => <code>{a.id.slice(0, 8)}</code>,
    },
    {
      key: "task",
      title: "Task",
      sort: (a) => `${a.task}.${a.index}`,
      cell: (a) => `${a.task}[${a.index}]`,
    },
    {
      key: "node",
      title: "Node",
      sort: (a) => nodeName(a.nodeId),
      cell: (a) =>
        a.nodeId ? (
          <Link href={`/nodes/${encodeURIComponent(nodeName(a.nodeId))}`}>
            {nodeName(a.nodeId)}
          </Link>
        ) : (
          "—"
        ),
    },
    {
      key: "status",
      title: "Status",
      sort: (a) => a.status,
      cell: (a) => <Status value={a.status} />,
    },
    { key: "restarts", title: "Restarts", sort: (a) => a.restarts, cell: (a) => a.restarts },
    {
      key: "exit",
      title: "Exit",
      sort: (a) => a.exitCode ?? -1,
      cell: (a) => (a.signal ? a.signal : (a.exitCode ?? "")),
    },
    {
      key: "version",
      title: "Version",
      sort: (a) => a.jobVersion,
      cell: (a) => `v${a.jobVersion}`,
    },
    {
      key: "reason",
      title: "Reason",
      cell: (a) => <span className="muted">{a.reasons.at(-1) ?? ""}</span>,
    },
    {
      key: "logs",
      title: "Logs",
      cell: (a) =>
        a.nodeId ? (
          <button type="button" onClick={() => setLogsOf(a.id)} aria-label={`Logs of ${a.id}`}>
            Logs
          </button>
        ) : null,
    },
  ];
  return (
    <section>
      <header className="page-head">
        <h1>{j.name}</h1>
        <Status value={j.status} />
        <span className="muted">
          {j.type}, v{j.version}, priority {j.priority}, updated <Ago iso={j.updatedAt} />
        </span>
        <span className="grow" />
        <button type="button" onClick={() => navigate(`/jobs/${encodeURIComponent(j.name)}/edit`)}>
          Edit
        </button>
        <button type="button" className="danger" onClick={stop} disabled={j.stopped}>
          Stop job
        </button>
      </header>
      {stopError && <p className="error">{stopError}</p>}
      <h2>Tasks</h2>
      <Tasks job={j} />
      <h2>Allocations</h2>
      <SortableTable
        label="Allocations"
        columns={columns}
        rows={shown}
        rowKey={(a) => a.id}
        initialSort="task"
        empty="No allocation."
      />
      {logsAlloc && <LogsPanel alloc={logsAlloc} onClose={() => setLogsOf(undefined)} />}
      <Placement allocs={list} nodeName={nodeName} />
      <h2>History</h2>
      <p className="muted">
        What happened to this job and its allocations: placements, failures, reschedules,
        preemptions, lost nodes (newest first).
      </p>
      <EventList events={history.data ?? []} label="Job history" />
      <h2>Versions</h2>
      <ul className="versions plain">
        {[...(versions.data ?? [])].reverse().map((v) => (
          <li key={v.version}>
            <details>
              <summary>
                v{v.version} — <Ago iso={v.createdAt} />
                {v.version === j.version && " (current)"}
              </summary>
              <pre>{stringify(v.spec)}</pre>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
