import { lazy, Suspense } from "react";
import { Link, Route, Router, Switch, useRoute } from "wouter";
import { SessionProvider, useSession, useSessionState } from "./auth/session.js";
import { SignIn } from "./auth/sign-in.js";
import { FleetProvider, useFleet } from "./live/fleet.js";
import { EventsPage } from "./pages/events.js";
import { JobPage } from "./pages/job.js";
import { JobsPage } from "./pages/jobs.js";
import { NodePage } from "./pages/node.js";
import { NodesPage } from "./pages/nodes.js";
import { OverviewPage } from "./pages/overview.js";

// The editor (CodeMirror) and the graph (cytoscape) are the big parts: loaded when first opened.
const JobEditorPage = lazy(() =>
  import("./pages/job-editor.js").then((m) => ({ default: m.JobEditorPage })),
);
const TopologyPage = lazy(() =>
  import("./pages/topology.js").then((m) => ({ default: m.TopologyPage })),
);

/** The pages, in the order of the navigation. */
const NAV = [
  { href: "/", title: "Overview" },
  { href: "/nodes", title: "Nodes" },
  { href: "/jobs", title: "Jobs" },
  { href: "/topology", title: "Topology" },
  { href: "/events", title: "Events" },
] as const;

function NavLink({ href, title }: { href: string; title: string }) {
  const [exact] = useRoute(href);
  const [nested] = useRoute(`${href}/*`);
  const active = exact || (href !== "/" && nested);
  return (
    <Link
      href={href}
      className={active ? "active" : undefined}
      aria-current={active ? "page" : undefined}
    >
      {title}
    </Link>
  );
}

function StreamBadge() {
  const { stream, error } = useFleet();
  const text =
    stream === "live" ? "live" : stream === "connecting" ? "connecting…" : "reconnecting…";
  return (
    <span className={`stream ${stream}`} title={error ?? "updates from the server's event stream"}>
      {text}
    </span>
  );
}

function Shell() {
  const { signOut } = useSession();
  return (
    <FleetProvider>
      <header className="top">
        <Link href="/" className="brand">
          Brink
        </Link>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <NavLink key={n.href} {...n} />
          ))}
        </nav>
        <div className="top-right">
          <StreamBadge />
          <button type="button" className="link" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main className="page">
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Switch>
            <Route path="/">
              <OverviewPage />
            </Route>
            <Route path="/nodes">
              <NodesPage />
            </Route>
            <Route path="/nodes/:name">
              {(p) => <NodePage name={decodeURIComponent(p.name)} />}
            </Route>
            <Route path="/jobs">
              <JobsPage />
            </Route>
            <Route path="/jobs/new">
              <JobEditorPage />
            </Route>
            <Route path="/jobs/:name/edit">
              {(p) => <JobEditorPage name={decodeURIComponent(p.name)} />}
            </Route>
            <Route path="/jobs/:name">{(p) => <JobPage name={decodeURIComponent(p.name)} />}</Route>
            <Route path="/topology">
              <TopologyPage />
            </Route>
            <Route path="/events">
              <EventsPage />
            </Route>
            <Route>
              <p>
                No such page. <Link href="/">Overview</Link>
              </p>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </FleetProvider>
  );
}

function Gate() {
  const { session } = useSessionState();
  return session ? <Shell /> : <SignIn />;
}

/** The dashboard: sign-in gate, then the pages under /ui/. */
export function App() {
  return (
    <Router base="/ui">
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </Router>
  );
}
