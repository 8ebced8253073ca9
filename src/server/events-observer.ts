import { allocEvents, blockedEvent, type Job, jobEvents, nodeEvents } from "../model/index.js";
import type { EventLog } from "./events.js";
import type { ClusterState, StateObserver } from "./state.js";

/**
 * Turns every change of the in-memory state into events: the state is written after the store,
 * so an event is only ever emitted for a change that was committed. `preempting` holds the ids of
 * allocations the plan being applied evicts (their stop is reported as `alloc.preempted`).
 */
export function stateEvents(
  log: EventLog,
  state: ClusterState,
  preempting: ReadonlySet<string>,
): StateObserver {
  const names = {
    nodeName: (id: string) => state.nodes.get(id)?.name,
    jobName: (id: string) => state.jobs.get(id)?.name,
  };
  return {
    node: (old, next) => {
      for (const e of nodeEvents(old, next)) log.emit(e);
    },
    job: (old, next) => {
      for (const e of jobEvents(old, next)) log.emit(e);
    },
    alloc: (old, next) => {
      for (const e of allocEvents(old, next, names, preempting.has(next.id))) log.emit(e);
    },
  };
}

/**
 * `eval.blocked` once per change of a job's unplaced reasons: waiting work is evaluated again
 * whenever capacity may have appeared, and the same "still blocked" must not flood the log.
 */
export class BlockedEvents {
  private readonly last = new Map<string, string>();

  constructor(private readonly log: EventLog) {}

  note(job: Job, unplaced: Record<string, string[]>): void {
    if (Object.keys(unplaced).length === 0) {
      this.last.delete(job.id);
      return;
    }
    const key = JSON.stringify(unplaced);
    if (this.last.get(job.id) === key) return;
    this.last.set(job.id, key);
    this.log.emit(blockedEvent(job, unplaced));
  }
}
