/**
 * Services: running, healthy allocations of a task that declares `ports` form a service named by
 * the task (`service:`, default `<job>-<task>`). The control plane lists their endpoints and
 * pushes them to every agent, whose local load balancer forwards to them.
 */

/** How an agent's load balancer picks an endpoint of a service. */
export const LB_POLICIES = ["latency", "round_robin", "least_requests", "consistent_hash"] as const;
export type LbPolicy = (typeof LB_POLICIES)[number];

/** Health of an allocation as its check sees it; `unknown` until the first check answers. */
export const HEALTH_STATES = ["unknown", "healthy", "unhealthy"] as const;
export type Health = (typeof HEALTH_STATES)[number];

/** A host port an agent assigned to an allocation. */
export interface AllocPort {
  name: string;
  /** The host port (what `BRINK_PORT_<NAME>` holds). */
  port: number;
  /** The port inside the task's own network namespace, for drivers that have one. */
  to?: number;
}

/** The environment variable that carries a port: `BRINK_PORT_` + the name upper-cased, other characters → `_`. */
export function portEnvName(name: string): string {
  return `BRINK_PORT_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** The service a task's allocations belong to. */
export function serviceNameOf(
  jobName: string,
  task: { name: string; service?: string | undefined },
) {
  return task.service ?? `${jobName}-${task.name}`;
}

/** One endpoint of a service as the API returns it. */
export interface ServiceEndpoint {
  allocId: string;
  job: string;
  task: string;
  nodeId: string;
  node: string;
  site: string;
  /** The node's address (the host its peer port is reached on). */
  address: string;
  /** The service port: the task's first port. */
  port: number;
  /** Every port of the allocation by name. */
  ports: Record<string, number>;
  /** `healthy` when running and its check passes (or it has no check). */
  health: Health;
  /** Round trip from the node given as `near` (measured, else declared); null when unknown. */
  rttMs: number | null;
}

export interface ServiceView {
  name: string;
  policy: LbPolicy;
  /** `consistent_hash`: the request header whose value picks the endpoint. */
  hashHeader?: string;
  /** Agents also forward plain TCP connections from this local port. */
  tcpPort?: number;
  endpoints: ServiceEndpoint[];
}

/** Endpoints nearest first (unknown RTT last), healthy before unhealthy, then by node and id. */
export function compareEndpoints(a: ServiceEndpoint, b: ServiceEndpoint): number {
  const ra = a.rttMs ?? Number.POSITIVE_INFINITY;
  const rb = b.rttMs ?? Number.POSITIVE_INFINITY;
  if (ra !== rb) return ra - rb;
  const ha = a.health === "healthy" ? 0 : 1;
  const hb = b.health === "healthy" ? 0 : 1;
  return ha - hb || a.node.localeCompare(b.node) || a.allocId.localeCompare(b.allocId);
}
