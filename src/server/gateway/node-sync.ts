import type { AgentAlloc, ServerMessage, SyncPoint } from "../../model/index.js";

/** Task specs' canonical text, per spec object (allocations of one job version share theirs). */
const specText = new WeakMap<object, string>();

/** Canonical form of an allocation as the agent sees it: equal digests = nothing to send. */
function digest(a: AgentAlloc): string {
  const cacheable = typeof a.taskSpec === "object" && a.taskSpec !== null;
  let spec = cacheable ? specText.get(a.taskSpec) : undefined;
  if (spec === undefined) {
    spec = JSON.stringify(a.taskSpec);
    if (cacheable) specText.set(a.taskSpec, spec);
  }
  // Everything but the spec is small; the spec (the bulk) is stringified once per spec object.
  return `${JSON.stringify({ ...a, taskSpec: undefined })}\u0000${spec}`;
}

/**
 * Numbered desired-state sync per node. The server remembers what it believes each agent has
 * applied; a change sends only the difference as the next numbered message. A session that
 * resumes at the point the server last sent gets nothing again; an agent that missed a message
 * (or comes back after a server restart: a new epoch) gets the full set. Messages are applied
 * idempotently by the agent, so a resend never hurts.
 */
export class NodeSync {
  private readonly seq = new Map<string, number>();
  private readonly believed = new Map<string, Map<string, string>>();

  constructor(readonly epoch: string) {}

  /** A new session said where it is; false when it must get the full set. */
  resume(nodeId: string, at: SyncPoint | undefined): boolean {
    const inSync =
      at !== undefined && at.epoch === this.epoch && at.seq === (this.seq.get(nodeId) ?? -1);
    if (!inSync) this.believed.delete(nodeId);
    return inSync;
  }

  /** Forget what the agent has: the next message is a full set. */
  reset(nodeId: string): void {
    this.believed.delete(nodeId);
  }

  /** The message that brings the agent to `desired`, or null when it already has it. */
  next(nodeId: string, desired: readonly AgentAlloc[]): ServerMessage | null {
    const before = this.believed.get(nodeId);
    const after = new Map(desired.map((a) => [a.id, digest(a)]));
    const seq = (this.seq.get(nodeId) ?? 0) + 1;
    if (!before) {
      this.commit(nodeId, seq, after);
      return {
        type: "allocs",
        epoch: this.epoch,
        seq,
        full: true,
        allocs: [...desired],
        remove: [],
      };
    }
    const changed = desired.filter((a) => before.get(a.id) !== after.get(a.id));
    const remove = [...before.keys()].filter((id) => !after.has(id));
    if (changed.length === 0 && remove.length === 0) return null;
    this.commit(nodeId, seq, after);
    return { type: "allocs", epoch: this.epoch, seq, full: false, allocs: changed, remove };
  }

  private commit(nodeId: string, seq: number, state: Map<string, string>): void {
    this.seq.set(nodeId, seq);
    this.believed.set(nodeId, state);
  }
}
