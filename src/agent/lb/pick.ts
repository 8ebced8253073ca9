import type { LbPolicy } from "../../model/index.js";

/** What a policy knows of an endpoint. */
export interface Candidate {
  id: string;
  /** Requests this load balancer has in flight to it now. */
  inflight: number;
  /** Smoothed time to the response headers, measured here (ms); undefined before the first answer. */
  ewmaMs: number | undefined;
  /** How long ago `ewmaMs` was last updated (ms); an old figure counts for less. */
  ewmaAgeMs?: number;
  /** RTT from this node to the endpoint's node, from the control plane (measured, else declared). */
  rttMs: number | null;
}

export interface PickContext {
  random: () => number;
  /** A counter that increases with every call (round robin position). */
  next: () => number;
  /** `consistent_hash`: the value of the service's hash header, when the request has one. */
  hashKey?: string | undefined;
}

/**
 * Expected cost of sending one more request: the latency estimate grown by the requests already
 * in flight there (after Linkerd's "peak EWMA"), by their square root rather than linearly: the
 * network part of an endpoint's latency does not grow with concurrency, and a backend that does
 * slow down under load shows it in its measured response times anyway. Before the first answer
 * the estimate is the network RTT plus 1 ms, an optimistic guess that gets a new endpoint tried
 * soon.
 */
export function cost(c: Candidate): number {
  const latency = c.ewmaMs === undefined ? (c.rttMs ?? 0) + 1 : decayed(c.ewmaMs, c.ewmaAgeMs ?? 0);
  return Math.max(latency, 0.05) * Math.sqrt(1 + c.inflight);
}

/** Time constant of the decay of a latency figure that is not refreshed (ms). */
export const EWMA_DECAY_MS = 1000;

/**
 * A latency figure fades towards 0 while it is not refreshed (like Finagle's peak EWMA reading a
 * zero sample at read time): the power of two choices never sends to the worse of a pair, so
 * without this an endpoint that was slow once would never be tried again. An endpoint 10 times
 * slower than the best gets one trial request about every 2.3 s.
 */
export function decayed(ewmaMs: number, ageMs: number): number {
  return ewmaMs * Math.exp(-Math.max(0, ageMs) / EWMA_DECAY_MS);
}

/** Index drawn with probability proportional to `weights[i]`, skipping `skip`. */
function weightedIndex(weights: number[], random: () => number, skip = -1): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) if (i !== skip) total += weights[i] ?? 0;
  let r = random() * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (i === skip) continue;
    last = i;
    r -= weights[i] ?? 0;
    if (r < 0) return i;
  }
  return last;
}

/**
 * `latency`: power of two choices, the two drawn with probability proportional to 1/cost
 * (faster and less busy endpoints are drawn more often); the cheaper of the two wins. Slow
 * endpoints are tried again as their figure fades (`decayed`).
 */
function pickLatency<T extends Candidate>(list: T[], ctx: PickContext): T | undefined {
  if (list.length <= 1) return list[0];
  const costs = list.map(cost);
  const weights = costs.map((c) => 1 / c);
  const a = weightedIndex(weights, ctx.random);
  const b = weightedIndex(weights, ctx.random, a);
  return list[(costs[b] ?? Number.POSITIVE_INFINITY) < (costs[a] ?? 0) ? b : a];
}

/** 32-bit FNV-1a with a final avalanche (murmur3 fmix32). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * `consistent_hash`: rendezvous (highest random weight) hashing of the key over the endpoints'
 * ids — a key keeps its endpoint while that endpoint stays, and only the keys of an endpoint
 * that leaves move.
 */
function pickHash<T extends Candidate>(list: T[], key: string): T | undefined {
  let best: T | undefined;
  let bestScore = -1;
  for (const c of list) {
    const score = hash32(`${key}\u0000${c.id}`);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** Fewest requests in flight; ties are taken in turn. */
function pickLeast<T extends Candidate>(list: T[], ctx: PickContext): T | undefined {
  const min = Math.min(...list.map((c) => c.inflight));
  const tied = list.filter((c) => c.inflight === min);
  return tied[ctx.next() % tied.length];
}

/** Chooses an endpoint from `list` (already filtered to eligible ones, in a stable order). */
export function pickEndpoint<T extends Candidate>(
  policy: LbPolicy,
  list: T[],
  ctx: PickContext,
): T | undefined {
  if (list.length === 0) return undefined;
  switch (policy) {
    case "latency":
      return pickLatency(list, ctx);
    case "least_requests":
      return pickLeast(list, ctx);
    case "consistent_hash":
      if (ctx.hashKey !== undefined) return pickHash(list, ctx.hashKey);
      return list[ctx.next() % list.length];
    case "round_robin":
      return list[ctx.next() % list.length];
  }
}
