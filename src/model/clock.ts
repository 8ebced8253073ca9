/** Time, injected wherever the simulator or tests must drive it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function isoAt(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

/**
 * `isoAt` for a caller that asks many times a millisecond (every event, every report): the text
 * of the last millisecond asked is kept, so a burst formats one date instead of thousands.
 */
export class IsoTime {
  private lastMs = Number.NaN;
  private lastText = "";

  constructor(private readonly clock: Clock) {}

  now(): string {
    const ms = this.clock.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastText = new Date(ms).toISOString();
    }
    return this.lastText;
  }
}
