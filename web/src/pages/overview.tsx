import { Link } from "wouter";
import { ALLOC_STATUSES } from "../../../src/model/allocation.js";
import { NODE_STATUSES, type NodeView } from "../../../src/model/node.js";
import { cores, mib, UsageBar } from "../components/bar.js";
import { EventList } from "../components/event-list.js";
import { Status } from "../components/status.js";
import { useFleet } from "../live/fleet.js";
import { countBy } from "../live/usage.js";

/** Nodes that count towards capacity (a down node's resources are gone). */
const counted = (n: NodeView) => n.status !== "down";

function sum(nodes: NodeView[], f: (n: NodeView) => number): number {
  return nodes.reduce((s, n) => s + f(n), 0);
}

function Counts({
  title,
  counts,
  order,
  link,
}: {
  title: string;
  counts: Map<string, number>;
  order: readonly string[];
  /** Where a count leads (the list filtered by that status). */
  link?: (status: string) => string;
}) {
  return (
    <section className="tile" aria-label={title}>
      <h2>{title}</h2>
      <ul className="counts">
        {order.map((s) => (
          <li key={s} className={(counts.get(s) ?? 0) === 0 ? "zero" : undefined}>
            {link ? (
              <Link href={link(s)} className="count-link" aria-label={`${counts.get(s) ?? 0} ${s}`}>
                <b>{counts.get(s) ?? 0}</b> <Status value={s} />
              </Link>
            ) : (
              <>
                <b>{counts.get(s) ?? 0}</b> <Status value={s} />
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Capacity({ nodes, title }: { nodes: NodeView[]; title: string }) {
  const live = nodes.filter(counted);
  return (
    <>
      <span className="muted">CPU (cores)</span>
      <UsageBar
        label={`${title} CPU`}
        used={sum(live, (n) => n.allocated.cpu)}
        total={sum(live, (n) => n.resources.cpu)}
        unit={cores}
      />
      <span className="muted">Memory</span>
      <UsageBar
        label={`${title} memory`}
        used={sum(live, (n) => n.allocated.memory)}
        total={sum(live, (n) => n.resources.memory)}
        unit={mib}
      />
    </>
  );
}

/** The fleet at a glance: counts by status, capacity in use, one tile per site, recent events. */
export function OverviewPage() {
  const { nodes, allocs, events, loaded } = useFleet();
  const sites = [...new Set(nodes.map((n) => n.site))].sort();
  const current = allocs.filter((a) => a.status !== "stopped" && a.desiredStatus === "run");
  return (
    <section>
      <header className="page-head">
        <h1>Overview</h1>
        {!loaded && <span className="muted">Loading…</span>}
      </header>
      <div className="tiles">
        <Counts
          title="Nodes by status"
          counts={countBy(nodes, (n) => n.status)}
          order={NODE_STATUSES}
          link={(s) => `/nodes?status=${s}`}
        />
        <Counts
          title="Allocations by status"
          counts={countBy(current, (a) => a.status)}
          order={ALLOC_STATUSES.filter((s) => s !== "stopped")}
        />
        <section className="tile" aria-label="Fleet capacity">
          <h2>Fleet allocated / capacity</h2>
          <div className="resources">
            <Capacity nodes={nodes} title="Fleet" />
          </div>
        </section>
      </div>
      <h2>Sites</h2>
      <div className="tiles sites">
        {sites.map((s) => {
          const here = nodes.filter((n) => n.site === s);
          const ready = here.filter((n) => n.status === "ready").length;
          return (
            <section key={s} className="tile" aria-label={`Site ${s}`}>
              <h3>{s}</h3>
              <p>
                <b>{ready}</b> of {here.length} nodes ready
              </p>
              <div className="resources">
                <Capacity nodes={here} title={s} />
              </div>
            </section>
          );
        })}
        {loaded && sites.length === 0 && <p className="muted">No node has joined yet.</p>}
      </div>
      <h2>
        Recent events <Link href="/events">all</Link>
      </h2>
      <EventList events={events.slice(-12)} label="Recent events" />
    </section>
  );
}
