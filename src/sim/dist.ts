import type { Random } from "../scheduler/random.js";
import type { Dist } from "./scenario.js";

/** Exponential variate with the given mean (inverse transform; never returns Infinity). */
export function exponential(random: Random, mean: number): number {
  return -mean * Math.log(1 - random());
}

/** Standard normal variate (Box–Muller). */
function normal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A sampler for a work-size distribution, drawing from `random`. */
export function sampler(dist: Dist, random: Random): () => number {
  switch (dist.dist) {
    case "fixed":
      return () => dist.value;
    case "exponential":
      return () => exponential(random, dist.mean);
    case "uniform":
      return () => dist.min + (dist.max - dist.min) * random();
    case "lognormal": {
      // Parameters of the underlying normal that give this mean and standard deviation.
      const s2 = Math.log(1 + (dist.sd * dist.sd) / (dist.mean * dist.mean));
      const mu = Math.log(dist.mean) - s2 / 2;
      const s = Math.sqrt(s2);
      return () => Math.exp(mu + s * normal(random));
    }
  }
}

/** The distribution's mean (for the docs' load estimates and the benchmark's sizing). */
export function meanOf(dist: Dist): number {
  switch (dist.dist) {
    case "fixed":
      return dist.value;
    case "exponential":
    case "lognormal":
      return dist.mean;
    case "uniform":
      return (dist.min + dist.max) / 2;
  }
}
