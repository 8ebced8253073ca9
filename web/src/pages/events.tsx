import { useMemo, useState } from "react";
import { EVENT_TYPES } from "../../../src/model/event-types.js";
import { useSession } from "../auth/session.js";
import { EventList } from "../components/event-list.js";
import type { FleetEvent } from "../live/event.js";
import { mergeEvents, useFleet } from "../live/fleet.js";
import { useFetch } from "../live/use-fetch.js";

/** Types offered by the type filter: each group (`x.*`, which the server accepts) then its types. */
const TYPES = [...new Set(EVENT_TYPES.map((t) => t.slice(0, t.indexOf("."))))].flatMap((group) => [
  `${group}.*`,
  ...EVENT_TYPES.filter((t) => t.startsWith(`${group}.`)),
]);

interface Filter {
  type: string;
  node: string;
  job: string;
}

function matches(e: FleetEvent, f: Filter): boolean {
  if (f.type && !(f.type.endsWith(".") ? e.type.startsWith(f.type) : e.type === f.type))
    return false;
  if (f.node && e.node !== f.node) return false;
  if (f.job && e.job !== f.job) return false;
  return true;
}

/** The live feed: the last events matching the filters from the store, then the stream's. */
export function EventsPage() {
  const { client } = useSession();
  const { events: live, nodes, jobs } = useFleet();
  const [f, setF] = useState<Filter>({ type: "", node: "", job: "" });
  const base = useFetch<FleetEvent[]>(
    () =>
      client.listEvents({
        latest: 300,
        ...(f.type ? { type: f.type } : {}),
        ...(f.node ? { node: f.node } : {}),
        ...(f.job ? { job: f.job } : {}),
      }),
    [client, f.type, f.node, f.job],
  );
  const shown = useMemo(
    () => mergeEvents(base.data ?? [], live).filter((e) => matches(e, f)),
    [base.data, live, f],
  );
  const set = (k: keyof Filter) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  return (
    <section>
      <header className="page-head">
        <h1>Events</h1>
        <span className="muted">{shown.length} shown, newest first; new ones arrive live</span>
      </header>
      <div className="filters">
        <select aria-label="Type" value={f.type} onChange={set("type")}>
          <option value="">any type</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select aria-label="Node" value={f.node} onChange={set("node")}>
          <option value="">any node</option>
          {nodes.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name}
            </option>
          ))}
        </select>
        <select aria-label="Job" value={f.job} onChange={set("job")}>
          <option value="">any job</option>
          {jobs.map((j) => (
            <option key={j.id} value={j.id}>
              {j.name}
            </option>
          ))}
        </select>
      </div>
      {base.error && <p className="error">{base.error}</p>}
      <EventList events={shown} label="Events" />
    </section>
  );
}
