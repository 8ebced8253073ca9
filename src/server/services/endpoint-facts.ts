import type { Allocation, AllocReport } from "../../model/index.js";

/** Whether a report says nothing new about the allocation's ports and health. */
export function sameEndpointFacts(alloc: Allocation, r: AllocReport): boolean {
  return (
    (r.health ?? undefined) === alloc.health &&
    JSON.stringify(r.ports ?? []) === JSON.stringify(alloc.ports ?? [])
  );
}

/** Copies a report's ports and health onto the allocation (a report without them clears them). */
export function withEndpointFacts(next: Allocation, r: AllocReport): void {
  if (r.ports && r.ports.length > 0) next.ports = r.ports;
  else delete next.ports;
  if (r.health !== undefined && r.status === "running") next.health = r.health;
  else delete next.health;
}
