import { useEffect, useState } from "react";

/** "12s ago", "3m ago", "2h ago", "4d ago" */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** A relative time that ticks every 5 s (a display clock, no requests). */
export function Ago({ iso }: { iso: string | null | undefined }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  return (
    <time dateTime={iso ?? undefined} title={iso ?? undefined}>
      {ago(iso, now)}
    </time>
  );
}

export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour12: false });
}
