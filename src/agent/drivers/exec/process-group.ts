import { groupUsage } from "./proc-group.js";

const POLL_MS = 10;

/**
 * Sends `signal` to every process in the group led by `pgid` (tasks run in their own group).
 * Returns false when the group no longer exists; never throws.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until no live process is left in group `pgid` (zombies do not count), at most
 * `timeoutMs`. Signals are delivered asynchronously, so a killed group can linger a moment.
 */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await groupUsage(pgid, "/proc", true)).live === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
