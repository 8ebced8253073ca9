import { Link } from "wouter";
import { type FleetEvent, severityOf } from "../live/event.js";
import { clock } from "./time.js";

/** Events, newest first: time, type, severity colour, node and job links, message. */
export function EventList({ events, label }: { events: FleetEvent[]; label: string }) {
  return (
    <ol className="events" aria-label={label}>
      {[...events].reverse().map((e) => (
        <li key={e.id} className={`sev-${severityOf(e)}`}>
          <time dateTime={e.time} title={new Date(e.time).toLocaleString()}>
            {clock(e.time)}
          </time>
          <span className="etype">{e.type}</span>
          <span className="emsg">
            {e.message}
            {(e.nodeName || e.node) && (
              <>
                {" "}
                <Link
                  href={`/nodes/${encodeURIComponent(e.nodeName ?? e.node ?? "")}`}
                  className="tag"
                >
                  {e.nodeName ?? e.node}
                </Link>
              </>
            )}
            {(e.jobName || e.job) && (
              <>
                {" "}
                <Link
                  href={`/jobs/${encodeURIComponent(e.jobName ?? e.job ?? "")}`}
                  className="tag"
                >
                  {e.jobName ?? e.job}
                </Link>
              </>
            )}
          </span>
        </li>
      ))}
      {events.length === 0 && <li className="muted">No event.</li>}
    </ol>
  );
}
