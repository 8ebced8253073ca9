import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { ApiError } from "../../../src/client/index.js";
import type { Allocation, Job, NodeView } from "../../../src/model/index.js";
import { useSession } from "../auth/session.js";
import { type FleetEvent, TOPICS, type Topic, topicsOf } from "./event.js";
import { followEvents } from "./event-stream.js";
import { RefetchQueue } from "./refetch-queue.js";

export type StreamState = "connecting" | "live" | "reconnecting";

export interface Fleet {
  nodes: NodeView[];
  jobs: Job[];
  allocs: Allocation[];
  /** The newest events, oldest first (at most KEEP_EVENTS). */
  events: FleetEvent[];
  loaded: boolean;
  stream: StreamState;
  /** Problem of the last refetch, shown in the header. */
  error: string | undefined;
  /** Bumped each time a topic is refetched: pages with their own fetches depend on it. */
  revision: Record<Topic, number>;
}

const KEEP_EVENTS = 500;
/** Events arriving within this cost one refetch. */
const DEBOUNCE_MS = 150;
/** A slow safety net: heartbeats move without events. Not how the view stays live. */
const FALLBACK_MS = 30_000;

const Ctx = createContext<Fleet | undefined>(undefined);

const initial: Fleet = {
  nodes: [],
  jobs: [],
  allocs: [],
  events: [],
  loaded: false,
  stream: "connecting",
  error: undefined,
  revision: { nodes: 0, jobs: 0, allocs: 0, topology: 0 },
};

/** Keeps nodes, jobs, allocations and recent events, refetched when the event stream says so. */
export function FleetProvider({ children }: { children: ReactNode }) {
  const { client, signOut } = useSession();
  const [fleet, setFleet] = useState<Fleet>(initial);

  useEffect(() => {
    const abort = new AbortController();
    const fail = (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) signOut("The server refused the token.");
      else setFleet((f) => ({ ...f, error: err instanceof Error ? err.message : String(err) }));
    };
    const refetch = async (topics: ReadonlySet<Topic>) => {
      const [nodes, jobs, allocs] = await Promise.all([
        topics.has("nodes") ? client.listNodes() : undefined,
        topics.has("jobs") ? client.listJobs() : undefined,
        topics.has("allocs") ? client.listAllocations() : undefined,
      ]);
      if (abort.signal.aborted) return;
      setFleet((f) => {
        const revision = { ...f.revision };
        for (const t of topics) revision[t]++;
        return {
          ...f,
          nodes: nodes ?? f.nodes,
          jobs: jobs ?? f.jobs,
          allocs: allocs ?? f.allocs,
          loaded: f.loaded || topics.size === TOPICS.length,
          error: undefined,
          revision,
        };
      });
    };
    const queue = new RefetchQueue(refetch, DEBOUNCE_MS, fail);
    const loadEvents = async () => {
      const events: FleetEvent[] = await client.listEvents({ latest: KEEP_EVENTS });
      if (!abort.signal.aborted) setFleet((f) => ({ ...f, events: mergeEvents(f.events, events) }));
    };
    // Load at once, whatever the stream does; again each time it (re)opens. A connection counts
    // as live once everything was refetched after it opened, and no drop came since (each drop
    // starts a new generation).
    void queue.mark(TOPICS, { now: true });
    loadEvents().catch(fail);
    let generation = 0;
    void followEvents(
      client,
      {
        onConnect: () => {
          const g = generation;
          Promise.all([queue.mark(TOPICS, { now: true }), loadEvents()])
            .then(([fetched]) => {
              if (fetched && g === generation && !abort.signal.aborted) {
                setFleet((f) => ({ ...f, stream: "live" }));
              }
            })
            .catch(fail);
        },
        onEvent: (e) => {
          setFleet((f) => ({ ...f, events: mergeEvents(f.events, [e]) }));
          void queue.mark(topicsOf(e.type));
        },
        onDrop: (err) => {
          generation++;
          setFleet((f) => ({
            ...f,
            stream: "reconnecting",
            error: err instanceof Error ? err.message : undefined,
          }));
        },
        onUnauthorized: () => signOut("The server refused the token."),
        onRefused: fail,
      },
      abort.signal,
    );
    const fallback = setInterval(() => void queue.mark(TOPICS), FALLBACK_MS);
    return () => {
      abort.abort();
      queue.stop();
      clearInterval(fallback);
    };
  }, [client, signOut]);

  return <Ctx.Provider value={fleet}>{children}</Ctx.Provider>;
}

/** Adds events by id (a reconnect may repeat some), keeps the newest KEEP_EVENTS. */
export function mergeEvents(have: FleetEvent[], more: FleetEvent[]): FleetEvent[] {
  const byId = new Map(have.map((e) => [e.id, e]));
  for (const e of more) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.id - b.id).slice(-KEEP_EVENTS);
}

export function useFleet(): Fleet {
  const f = useContext(Ctx);
  if (!f) throw new Error("useFleet outside FleetProvider");
  return f;
}

/** A number that changes whenever one of `topics` was refetched (a dependency for effects). */
export function useRevision(...topics: Topic[]): string {
  const { revision } = useFleet();
  return topics.map((t) => revision[t]).join(".");
}
