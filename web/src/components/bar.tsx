/** `used of total` as a bar with the figures beside it; red above 90 %. */
export function UsageBar({
  used,
  total,
  unit,
  label,
}: {
  used: number;
  total: number;
  unit: (n: number) => string;
  label: string;
}) {
  const pct = total > 0 ? Math.min(100, (used / total) * 100) : 0;
  const level = pct >= 90 ? "high" : pct >= 70 ? "mid" : "low";
  return (
    <div className="usage" title={`${label}: ${unit(used)} of ${unit(total)}`}>
      <div className="bar">
        <div className={`fill ${level}`} style={{ width: `${pct}%` }} />
      </div>
      <span className="figures">{total > 0 ? `${unit(used)} / ${unit(total)}` : "none"}</span>
    </div>
  );
}

export const cores = (milli: number) => `${(milli / 1000).toFixed(milli % 1000 === 0 ? 0 : 1)}`;
export const mib = (m: number) => (m >= 1024 ? `${(m / 1024).toFixed(1)}G` : `${m}M`);
export const count = (n: number) => String(n);
