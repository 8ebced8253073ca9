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
 */
interface Believed {
  text: string;
  taskSpec: unknown;
  resources: unknown;
  desiredStatus: string;
  jobName: string;
}

/** A message for one agent with its JSON text, built from the allocations' cached texts. */
export interface SyncMessage {
  message: Extract<ServerMessage, { type: "allocs" }>;
  text: string;
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
  private readonly believed = new Map<string, Map<string, Believed>>();

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
  next(nodeId: string, desired: readonly AgentAlloc[]): SyncMessage | null {
    const before = this.believed.get(nodeId);
    const after = new Map<string, Believed>();
    const changed: AgentAlloc[] = [];
    const texts: string[] = [];
    for (const a of desired) {
      const had = before?.get(a.id);
      if (
        had !== undefined &&
        had.taskSpec === a.taskSpec &&
        had.resources === a.resources &&
        had.desiredStatus === a.desiredStatus &&
        had.jobName === a.jobName
      ) {
        after.set(a.id, had);
        continue;
      }
      const text = encodeAlloc(a);
      after.set(a.id, {
        text,
        taskSpec: a.taskSpec,
        resources: a.resources,
        desiredStatus: a.desiredStatus,
        jobName: a.jobName,
      });
      if (had?.text === text) continue;
      changed.push(a);
      texts.push(text);
    }
    const seq = (this.seq.get(nodeId) ?? 0) + 1;
    if (!before) {
      this.commit(nodeId, seq, after);
      const message = { type: "allocs" as const, epoch: this.epoch, seq, full: true };
      return this.encoded({ ...message, allocs: [...desired], remove: [] }, texts);
    }
    const remove: string[] = [];
    for (const id of before.keys()) if (!after.has(id)) remove.push(id);
    if (changed.length === 0 && remove.length === 0) {
      // Same content from new objects (e.g. reloaded): remember them, nothing to send.
      this.believed.set(nodeId, after);
      return null;
    }
    this.commit(nodeId, seq, after);
    const message = { type: "allocs" as const, epoch: this.epoch, seq, full: false };
    return this.encoded({ ...message, allocs: changed, remove }, texts);
  }

  /** The message's JSON text (the value `JSON.stringify(message)` encodes), from cached texts. */
  private encoded(message: SyncMessage["message"], texts: readonly string[]): SyncMessage {
    const head = JSON.stringify({ ...message, allocs: undefined, remove: undefined });
    const text = `${head.slice(0, -1)},"allocs":[${texts.join(",")}],"remove":${JSON.stringify(message.remove)}}`;
    return { message, text };
  }

  private commit(nodeId: string, seq: number, state: Map<string, Believed>): void {
    this.seq.set(nodeId, seq);
    this.believed.set(nodeId, state);
  }
}
