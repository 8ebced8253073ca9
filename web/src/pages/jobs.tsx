import { useMemo, useState } from "react";
import { Link } from "wouter";
import { JOB_STATUSES, type Job } from "../../../src/model/job.js";
import { type Column, SortableTable } from "../components/sortable.js";
import { Status } from "../components/status.js";
import { Ago } from "../components/time.js";
import { useFleet } from "../live/fleet.js";
import { countBy } from "../live/usage.js";

/** Every job with its status; the counts per status filter the table. */
export function JobsPage() {
  const { jobs, allocs, loaded } = useFleet();
  const [status, setStatus] = useState("");
  const counts = countBy(jobs, (j) => j.status);
  const allocCounts = useMemo(() => {
    const out = new Map<string, Map<string, number>>();
    for (const a of allocs) {
      const m = out.get(a.jobId) ?? new Map<string, number>();
      m.set(a.status, (m.get(a.status) ?? 0) + 1);
      out.set(a.jobId, m);
    }
    return out;
  }, [allocs]);
  const rows = jobs.filter((j) => !status || j.status === status);
  const columns: Column<Job>[] = [
    {
      key: "name",
      title: "Name",
      sort: (j) => j.name,
      cell: (j) => <Link href={`/jobs/${encodeURIComponent(j.name)}`}>{j.name}</Link>,
    },
    { key: "type", title: "Type", sort: (j) => j.type, cell: (j) => j.type },
    {
      key: "status",
      title: "Status",
      sort: (j) => j.status,
      cell: (j) => <Status value={j.status} />,
    },
    {
      key: "allocs",
      title: "Allocations",
      cell: (j) => (
        <span className="labels">
          {[...(allocCounts.get(j.id) ?? new Map<string, number>())]
            .filter(([s]) => s !== "stopped")
            .map(([s, n]) => (
              <span key={s} className="tag">
                {n} {s}
              </span>
            ))}
        </span>
      ),
    },
    { key: "version", title: "Version", sort: (j) => j.version, cell: (j) => `v${j.version}` },
    { key: "priority", title: "Priority", sort: (j) => j.priority, cell: (j) => j.priority },
    {
      key: "updated",
      title: "Updated",
      sort: (j) => j.updatedAt,
      cell: (j) => <Ago iso={j.updatedAt} />,
    },
  ];
  return (
    <section>
      <header className="page-head">
        <h1>Jobs</h1>
        <Link href="/jobs/new" className="button">
          New job
        </Link>
      </header>
      <div className="chips">
        <button type="button" aria-pressed={status === ""} onClick={() => setStatus("")}>
          all <b>{jobs.length}</b>
        </button>
        {JOB_STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={status === s}
            onClick={() => setStatus(status === s ? "" : s)}
          >
            {s} <b>{counts.get(s) ?? 0}</b>
          </button>
        ))}
      </div>
      <SortableTable
        label="Jobs"
        columns={columns}
        rows={rows}
        rowKey={(j) => j.id}
        initialSort="name"
        empty={loaded ? "No job. Submit one with New job." : "Loading…"}
      />
    </section>
  );
}
