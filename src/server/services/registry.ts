import {
  type Allocation,
  type Health,
  type Job,
  type LbPolicy,
  type Node,
  type ServiceEndpoint,
  serviceNameOf,
} from "../../model/index.js";

/** An endpoint before the RTT from a particular node is known. */
export type BaseEndpoint = Omit<ServiceEndpoint, "rttMs">;

/** A service as the control plane knows it: policy and endpoints sorted by allocation id. */
export interface ServiceState {
  name: string;
  policy: LbPolicy;
  hashHeader?: string;
  tcpPort?: number;
  endpoints: BaseEndpoint[];
}

export interface RegistrySources {
  allocs(): Iterable<Allocation>;
  job(id: string): Job | undefined;
  node(id: string): Node | undefined;
}

/** The host part of a node's `peerAddr` (`host:port`, `[v6]:port`), else its hostname. */
export function nodeAddress(node: Node): string {
  const addr = node.peerAddr;
  if (!addr) return node.attributes.hostname;
  const m = /^\[(.*)\]:\d+$/.exec(addr) ?? /^(.*):\d+$/.exec(addr);
  return m?.[1] ?? addr;
}

/** The agent's verdict; without one: `healthy` for a task with no check, else `unknown`. */
function healthOf(a: Allocation): Health {
  return a.health ?? (a.taskSpec.check ? "unknown" : "healthy");
}

/** An allocation's endpoint when it is one: placed, wanted, running, with its ports assigned. */
function endpointOf(a: Allocation, src: RegistrySources): BaseEndpoint | undefined {
  if (a.nodeId === null || a.desiredStatus !== "run" || a.status !== "running") return undefined;
  const first = a.taskSpec.ports?.[0];
  const ports = a.ports ?? [];
  const main = first && ports.find((p) => p.name === first.name);
  const node = src.node(a.nodeId);
  if (!main || !node) return undefined;
  return {
    allocId: a.id,
    job: src.job(a.jobId)?.name ?? a.jobId,
    task: a.task,
    nodeId: node.id,
    node: node.name,
    site: node.site,
    address: nodeAddress(node),
    port: main.port,
    ports: Object.fromEntries(ports.map((p) => [p.name, p.port])),
    health: healthOf(a),
  };
}

/**
 * Every service: running allocations of tasks with `ports`, grouped by service name (the
 * task's `service`, default `<job>-<task>`). Tasks of several jobs may share a name; the policy
 * is then the one of the first job by name.
 */
export function buildServices(src: RegistrySources): Map<string, ServiceState> {
  const out = new Map<string, ServiceState & { owner: string }>();
  for (const a of src.allocs()) {
    const endpoint = endpointOf(a, src);
    if (!endpoint) continue;
    const name = serviceNameOf(endpoint.job, a.taskSpec);
    const lb = a.taskSpec.lb;
    const owner = `${endpoint.job}\u0000${a.task}`;
    let s = out.get(name);
    if (!s || owner < s.owner) {
      const next = {
        name,
        owner,
        policy: lb?.policy ?? "latency",
        endpoints: s?.endpoints ?? [],
        ...(lb?.hashHeader ? { hashHeader: lb.hashHeader } : {}),
        ...(lb?.tcpPort ? { tcpPort: lb.tcpPort } : {}),
      };
      s = next;
      out.set(name, next);
    }
    s.endpoints.push(endpoint);
  }
  const services = new Map<string, ServiceState>();
  for (const [name, { owner: _owner, ...s }] of [...out].sort((a, b) => a[0].localeCompare(b[0]))) {
    s.endpoints.sort((a, b) => a.allocId.localeCompare(b.allocId));
    services.set(name, s);
  }
  return services;
}
