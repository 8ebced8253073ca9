import { addResources, type Resources, subtractResources, ZERO_RESOURCES } from "../model/index.js";
import type { Snapshot } from "./snapshot.js";

/** Resources in use per node while one plan is being built: the snapshot plus this plan's changes. */
export class PlacementState {
  private readonly used: Map<string, Resources>;

  constructor(snapshot: Snapshot) {
    this.used = new Map(snapshot.usage);
  }

  usedOn(nodeId: string): Resources {
    return this.used.get(nodeId) ?? ZERO_RESOURCES;
  }

  take(nodeId: string, r: Resources): void {
    this.used.set(nodeId, addResources(this.usedOn(nodeId), r));
  }

  release(nodeId: string, r: Resources): void {
    this.used.set(nodeId, subtractResources(this.usedOn(nodeId), r));
  }
}
