import type { AgentAlloc, ServerMessage, SyncPoint } from "../../model/index.js";

/** Task specs' JSON text, per spec object (allocations of one job version share theirs). */
const specText = new WeakMap<object, string>();

/** An allocation's JSON text as the agent gets it: the spec (the bulk) is encoded once per spec. */
function encodeAlloc(a: AgentAlloc): string {
  const cacheable = typeof a.taskSpec === "object" && a.taskSpec !== null;
  let spec = cacheable ? specText.get(a.taskSpec) : undefined;
  if (spec === undefined) {
    spec = JSON.stringify(a.taskSpec) as string | undefined;
    if (cacheable && spec !== undefined) specText.set(a.taskSpec, spec);
  }
  const rest = JSON.stringify({ ...a, taskSpec: undefined });
  if (spec === undefined) return rest;
  return rest === "{}" ? `{"taskSpec":${spec}}` : `${rest.slice(0, -1)},"taskSpec":${spec}}`;
}

/**
 * What the server believes an agent has of one allocation: its text (equal text = nothing to
 * send) and the objects it was made from, so an allocation whose agent-visible parts are the
 * same objects (a status report replaces the allocation, not its spec) is not encoded again.
 * `seen` is the push that last listed it (what a push does not list was removed).
 */
interface Believed {
  text: string;
  taskSpec: unknown;
  resources: unknown;
  desiredStatus: string;
  jobName: string;
  seen: number;
}

/** A message for one agent with its JSON text, built from the allocations' cached texts. */
export interface SyncMessage {
  message: Extract<ServerMessage, { type: "allocs" }>;
  text: string;
}

function sameForAgent(had: Believed, a: AgentAlloc): boolean {
  return (
    had.taskSpec === a.taskSpec &&
    had.resources === a.resources &&
    had.desiredStatus === a.desiredStatus &&
    had.jobName === a.jobName
  );
}

function believe(a: AgentAlloc, text: string, seen: number): Believed {
  return {
    text,
    taskSpec: a.taskSpec,
    resources: a.resources,
    desiredStatus: a.desiredStatus,
    jobName: a.jobName,
    seen,
  };
}

/**
 * Numbered desired-state sync per node. The server remembers what it believes each agent has
 * applied; a change sends only the difference as the next numbered message. A session that
 * resumes at the point the server last sent gets nothing again; an agent that missed a message
 * (or comes back after a server restart: a new epoch) gets the full set. Messages are applied
 * idempotently by the agent, so a resend never hurts.
 *
 * A push runs for every node a plan touches, so it works on the node's belief in place: the
 * allocations that did not change cost a lookup each, and nothing is copied.
 */
export class NodeSync {
  private readonly seq = new Map<string, number>();
  private readonly believed = new Map<string, Map<string, Believed>>();
  private readonly epochText: string;
  /** Numbers pushes, to tell which believed allocations the current one listed. */
  private pass = 0;

  constructor(readonly epoch: string) {
    this.epochText = JSON.stringify(epoch);
  }

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
  next(nodeId: string, desired: readonly AgentAlloc[]): SyncMessage | null {
    const pass = ++this.pass;
    const seq = (this.seq.get(nodeId) ?? 0) + 1;
    const before = this.believed.get(nodeId);
    if (!before) {
      const state = new Map<string, Believed>();
      const texts = desired.map((a) => {
        const text = encodeAlloc(a);
        state.set(a.id, believe(a, text, pass));
        return text;
      });
      this.seq.set(nodeId, seq);
      this.believed.set(nodeId, state);
      const message = { type: "allocs" as const, epoch: this.epoch, seq, full: true };
      return this.encoded({ ...message, allocs: [...desired], remove: [] }, texts);
    }
    const changed: AgentAlloc[] = [];
    const texts: string[] = [];
    for (const a of desired) {
      const had = before.get(a.id);
      if (had !== undefined && sameForAgent(had, a)) {
        had.seen = pass;
        continue;
      }
      const text = encodeAlloc(a);
      before.set(a.id, believe(a, text, pass));
      if (had?.text === text) continue;
      changed.push(a);
      texts.push(text);
    }
    const remove: string[] = [];
    // Each listed allocation (ids are unique) is believed now: anything beyond them was removed.
    if (before.size > desired.length) {
      for (const [id, b] of before) {
        if (b.seen === pass) continue;
        remove.push(id);
        before.delete(id);
      }
    }
    // Same content from new objects (e.g. reloaded) is remembered above; nothing to send.
    if (changed.length === 0 && remove.length === 0) return null;
    this.seq.set(nodeId, seq);
    const message = { type: "allocs" as const, epoch: this.epoch, seq, full: false };
    return this.encoded({ ...message, allocs: changed, remove }, texts);
  }

  /** The message's JSON text (the value `JSON.stringify(message)` encodes), from cached texts. */
  private encoded(message: SyncMessage["message"], texts: readonly string[]): SyncMessage {
    const head = `{"type":"allocs","epoch":${this.epochText},"seq":${message.seq},"full":${message.full}`;
    const text = `${head},"allocs":[${texts.join(",")}],"remove":${JSON.stringify(message.remove)}}`;
    return { message, text };
  }
}
