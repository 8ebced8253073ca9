/** Counts why nodes were filtered while placing one allocation. */
export class FilterTally {
  private readonly counts = new Map<string, number>();
  evaluated = 0;

  add(reason: string, n = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + n);
  }

  /** "3 nodes: 2 filtered by constraint zone in [a,b], 1 exhausted memory" */
  summary(): string {
    if (this.evaluated === 0) return "no nodes in the cluster";
    const parts = [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([reason, n]) => `${n} ${reason}`);
    const nodes = `${this.evaluated} node${this.evaluated === 1 ? "" : "s"}`;
    return parts.length === 0 ? `${nodes}: none fits` : `${nodes}: ${parts.join(", ")}`;
  }

  entries(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
