/** A status word with its colour: good (ready, running, complete), warn, bad, or neutral. */
const TONE: Record<string, "good" | "warn" | "bad" | "idle"> = {
  ready: "good",
  running: "good",
  complete: "good",
  info: "idle",
  initializing: "idle",
  pending: "warn",
  suspect: "warn",
  disconnected: "warn",
  unknown: "warn",
  warning: "warn",
  down: "bad",
  failed: "bad",
  lost: "bad",
  error: "bad",
  stopped: "idle",
  dead: "idle",
};

export function Status({ value }: { value: string }) {
  return <span className={`status ${TONE[value] ?? "idle"}`}>{value}</span>;
}
