import type { GpuInfo, Node } from "../../src/model/index.js";
import type { Random } from "../../src/scheduler/random.js";

/** Node sizes of an edge fleet: many small boxes, some mid-size servers, a few big ones. */
export const SIZES = [
  { name: "small", weight: 45, cpu: 2_000, memory: 4_096, disk: 32_000 },
  { name: "medium", weight: 35, cpu: 8_000, memory: 32_768, disk: 256_000 },
  { name: "large", weight: 15, cpu: 32_000, memory: 131_072, disk: 1_000_000 },
  { name: "gpu", weight: 5, cpu: 16_000, memory: 65_536, disk: 500_000 },
] as const;

export const SITE_COUNT = 20;
export const ZONES = ["z-a", "z-b", "z-c"] as const;
export const TIERS = ["edge", "gateway", "core"] as const;

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function pickWeighted<T extends { weight: number }>(random: Random, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = random() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1] as T;
}

export const siteName = (i: number) => `site-${String(i).padStart(2, "0")}`;

function gpusFor(random: Random): GpuInfo[] {
  const a100 = random() < 0.4;
  const count = 1 + Math.floor(random() * 4);
  return Array.from({ length: count }, () =>
    a100
      ? { model: "NVIDIA A100-SXM4-40GB", memory: 40_960 }
      : { model: "Tesla T4", memory: 15_360 },
  );
}

export interface ClusterOptions {
  /** Share of nodes that are down or drained (they take no new work). */
  unavailable?: number;
  /** Only these sizes (by name); all by default. */
  sizes?: readonly string[];
}

/**
 * A heterogeneous edge cluster: ~20 sites, zones, tiers, amd64/arm64, mixed sizes, GPUs on some
 * nodes, and the built-in `brink/*` labels a real agent reports (hostname included, which makes
 * every node its own class — as in production).
 */
export function makeCluster(count: number, random: Random, opts: ClusterOptions = {}): Node[] {
  const sizes = SIZES.filter((s) => !opts.sizes || opts.sizes.includes(s.name));
  const unavailable = opts.unavailable ?? 0.02;
  return Array.from({ length: count }, (_, i) => {
    const size = pickWeighted(random, sizes);
    const site = siteName(Math.floor(random() * SITE_COUNT));
    const arch = size.name === "small" && random() < 0.5 ? "arm64" : "amd64";
    const name = `node-${String(i).padStart(5, "0")}`;
    const off = random() < unavailable;
    return {
      id: name,
      name,
      site,
      status: off && random() < 0.5 ? "down" : "ready",
      eligible: !(off && random() < 0.5),
      labels: {
        zone: pick(random, ZONES),
        tier: pick(random, TIERS),
        "brink/site": site,
        "brink/arch": arch,
        "brink/os": "linux",
        "brink/hostname": name,
      },
      resources: { cpu: size.cpu, memory: size.memory, disk: size.disk },
      drivers: ["exec"],
      attributes: { arch, os: "linux", kernel: "6.8", hostname: name, cpuModel: size.name },
      gpus: size.name === "gpu" ? gpusFor(random) : [],
      createdAt: "2026-01-01T00:00:00.000Z",
      lastHeartbeat: null,
      statusReason: null,
    } satisfies Node;
  });
}
