/** The q-quantile (0..1) of values weighted by how many placements each stands for. */
export function weightedQuantile(
  samples: ReadonlyArray<{ value: number; weight: number }>,
  q: number,
): number {
  const sorted = samples.filter((s) => s.weight > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((t, s) => t + s.weight, 0);
  let seen = 0;
  for (const s of sorted) {
    seen += s.weight;
    if (seen >= q * total) return s.value;
  }
  return sorted[sorted.length - 1]?.value ?? 0;
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export const heapMB = () => round(process.memoryUsage().heapUsed / 2 ** 20);
