import type { Fingerprint } from "../../model/index.js";

export const HOLLOW_PROFILES = ["small", "mixed", "gpu"] as const;
export type HollowProfile = (typeof HOLLOW_PROFILES)[number];

const SMALL = { cpu: 4000, memory: 8192, disk: 64_000 };
const MIXED = [
  { cpu: 2000, memory: 4096, disk: 32_000 },
  { cpu: 4000, memory: 8192, disk: 64_000 },
  { cpu: 8000, memory: 16_384, disk: 128_000 },
  { cpu: 16_000, memory: 65_536, disk: 512_000 },
];

/** The simulated machine of hollow node number `i` (deterministic, so runs compare). */
export function hollowFingerprint(profile: HollowProfile, i: number, name: string): Fingerprint {
  const resources = profile === "small" ? SMALL : (MIXED[i % MIXED.length] ?? SMALL);
  const gpus =
    profile === "gpu" && i % 4 === 0
      ? [
          {
            model: i % 8 === 0 ? "NVIDIA A100-SXM4-40GB" : "Tesla T4",
            memory: i % 8 === 0 ? 40_960 : 15_360,
            uuid: `GPU-hollow-${i}`,
          },
        ]
      : [];
  return {
    resources: { ...resources },
    arch: i % 5 === 0 && profile !== "small" ? "arm64" : "amd64",
    os: "linux",
    kernel: "6.1.0-hollow",
    hostname: name,
    cpuModel: "hollow",
    gpus,
    drivers: ["exec"],
  };
}
