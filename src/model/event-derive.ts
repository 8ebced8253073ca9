import type { Allocation } from "./allocation.js";
import type { EventSeverity, EventType, NewEvent } from "./event.js";
import type { Job } from "./job.js";
import type { Node } from "./node.js";

/*
 * Events are derived from state changes (old object → new object), so every path that changes a
 * node, a job or an allocation reports it the same way, and none can forget to. Pure functions.
 */

/** Names for ids, so events read well without a lookup (the ids stay for filtering). */
export interface EventNames {
  nodeName(id: string): string | undefined;
  jobName(id: string): string | undefined;
}

const NODE_STATUS_EVENTS: Partial<Record<Node["status"], [EventType, EventSeverity]>> = {
  ready: ["node.ready", "info"],
  suspect: ["node.suspect", "warning"],
  disconnected: ["node.disconnected", "warning"],
  down: ["node.down", "error"],
};

function nodeEvent(
  node: Node,
  type: EventType,
  severity: EventSeverity,
  message: string,
  details?: Record<string, unknown>,
): NewEvent {
  return {
    type,
    severity,
    node: node.id,
    nodeName: node.name,
    message,
    ...(details ? { details } : {}),
  };
}

/** What changed about a node: registered, a new health status, drain, eligibility. */
export function nodeEvents(old: Node | undefined, next: Node): NewEvent[] {
  const out: NewEvent[] = [];
  if (!old) {
    out.push(
      nodeEvent(next, "node.registered", "info", `node ${next.name} joined site ${next.site}`, {
        site: next.site,
      }),
    );
  }
  const status = NODE_STATUS_EVENTS[next.status];
  if (status && old?.status !== next.status) {
    const why = next.statusReason ? `: ${next.statusReason}` : "";
    out.push(
      nodeEvent(next, status[0], status[1], `node ${next.name} is ${next.status}${why}`, {
        from: old?.status ?? null,
        ...(next.statusReason ? { reason: next.statusReason } : {}),
      }),
    );
  }
  const drainOld = old?.drain ?? null;
  const drainNew = next.drain ?? null;
  if (drainNew && drainOld?.startedAt !== drainNew.startedAt) {
    out.push(
      nodeEvent(
        next,
        "node.drain",
        "info",
        `node ${next.name} draining until ${drainNew.deadline}`,
        {
          phase: "started",
          deadline: drainNew.deadline,
        },
      ),
    );
  } else if (drainOld && !drainNew) {
    const phase = next.eligible ? "canceled" : "complete";
    out.push(nodeEvent(next, "node.drain", "info", `node ${next.name} drain ${phase}`, { phase }));
  }
  if (old && old.eligible !== next.eligible) {
    const what = next.eligible ? "eligible for placement" : "ineligible for placement";
    out.push(
      nodeEvent(next, "node.eligibility", "info", `node ${next.name} is ${what}`, {
        eligible: next.eligible,
      }),
    );
  }
  return out;
}

function jobEvent(job: Job, type: EventType, severity: EventSeverity, message: string): NewEvent {
  return {
    type,
    severity,
    job: job.id,
    jobName: job.name,
    message,
    details: { version: job.version, status: job.status },
  };
}

/** What changed about a job: a version submitted, stopped, finished. */
export function jobEvents(old: Job | undefined, next: Job): NewEvent[] {
  const out: NewEvent[] = [];
  if (!old) {
    out.push(jobEvent(next, "job.submitted", "info", `job ${next.name} submitted (version 1)`));
  } else if (next.version > old.version) {
    const msg = `job ${next.name} updated to version ${next.version}`;
    out.push(jobEvent(next, "job.updated", "info", msg));
  }
  if (next.stopped && !old?.stopped) {
    out.push(jobEvent(next, "job.stopped", "info", `job ${next.name} stopped`));
  }
  if (next.status !== old?.status && (next.status === "complete" || next.status === "failed")) {
    const severity = next.status === "failed" ? "error" : "info";
    out.push(jobEvent(next, `job.${next.status}`, severity, `job ${next.name} ${next.status}`));
  }
  return out;
}

const ALLOC_STATUS_EVENTS: Partial<Record<Allocation["status"], [EventType, EventSeverity]>> = {
  running: ["alloc.running", "info"],
  complete: ["alloc.complete", "info"],
  failed: ["alloc.failed", "error"],
  lost: ["alloc.lost", "warning"],
  unknown: ["alloc.unknown", "warning"],
};

function allocEvent(
  a: Allocation,
  names: EventNames,
  type: EventType,
  severity: EventSeverity,
  verb: string,
  details: Record<string, unknown> = {},
): NewEvent {
  const jobName = names.jobName(a.jobId);
  const nodeName = a.nodeId === null ? undefined : names.nodeName(a.nodeId);
  const where = nodeName ? ` on ${nodeName}` : "";
  const reason = a.reasons.at(-1);
  return {
    type,
    severity,
    alloc: a.id,
    job: a.jobId,
    ...(jobName ? { jobName } : {}),
    ...(a.nodeId !== null ? { node: a.nodeId } : {}),
    ...(nodeName ? { nodeName } : {}),
    message: `${jobName ?? a.jobId}.${a.task}[${a.index}] ${verb}${where}`,
    details: {
      task: a.task,
      index: a.index,
      status: a.status,
      ...(reason !== undefined && severity !== "info" ? { reason } : {}),
      ...details,
    },
  };
}

/**
 * What changed about an allocation: placed (and rescheduled: a replacement of a failed one), a new
 * status reported, asked to stop — or preempted, when `preempted` says the stop was an eviction.
 */
export function allocEvents(
  old: Allocation | undefined,
  next: Allocation,
  names: EventNames,
  preempted = false,
): NewEvent[] {
  const out: NewEvent[] = [];
  if (!old && next.previousAllocId !== undefined) {
    out.push(
      allocEvent(next, names, "alloc.rescheduled", "info", "rescheduled", {
        previousAlloc: next.previousAllocId,
      }),
    );
  }
  if (next.nodeId !== null && (old?.nodeId ?? null) === null) {
    const score = next.score?.total;
    out.push(
      allocEvent(next, names, "alloc.placed", "info", "placed", {
        ...(score !== undefined ? { score } : {}),
      }),
    );
  }
  const status = ALLOC_STATUS_EVENTS[next.status];
  if (status && old && old.status !== next.status) {
    const extra = next.exitCode !== null ? { exitCode: next.exitCode } : {};
    out.push(allocEvent(next, names, status[0], status[1], next.status, extra));
  }
  const stopAsked = next.desiredStatus === "stop" && old?.desiredStatus !== "stop";
  const stoppedUnasked =
    next.status === "stopped" && old?.status !== "stopped" && old?.desiredStatus !== "stop";
  if (old && (stopAsked || stoppedUnasked)) {
    out.push(
      preempted
        ? allocEvent(next, names, "alloc.preempted", "warning", "preempted", {
            reason: next.reasons.at(-1),
          })
        : allocEvent(next, names, "alloc.stopped", "info", "stopped", {
            reason: next.reasons.at(-1),
          }),
    );
  }
  return out;
}

/** `eval.blocked`: instances of a job that could not be placed, and why (per task). */
export function blockedEvent(job: Job, unplaced: Record<string, string[]>): NewEvent {
  const tasks = Object.keys(unplaced);
  return {
    type: "eval.blocked",
    severity: "warning",
    job: job.id,
    jobName: job.name,
    message: `job ${job.name}: ${tasks.join(", ")} cannot be placed: ${Object.values(unplaced)
      .flat()
      .slice(0, 3)
      .join("; ")}`,
    details: { unplaced },
  };
}
