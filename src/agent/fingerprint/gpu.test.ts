import { describe, expect, it } from "vitest";
import { detectGpus, NVIDIA_SMI_ARGS, parseNvidiaSmi } from "./gpu.js";

const SAMPLE = [
  "NVIDIA A100-SXM4-40GB, 40960, GPU-8c3f1a2b-1111-2222-3333-444455556666",
  "NVIDIA GeForce RTX 3060, 12288, GPU-0a0b0c0d-aaaa-bbbb-cccc-ddddeeeeffff",
  "",
  "Tesla T4, [N/A], [N/A]",
].join("\n");

describe("parseNvidiaSmi", () => {
  it("parses one GPU per line", () => {
    expect(parseNvidiaSmi(SAMPLE)).toEqual([
      {
        model: "NVIDIA A100-SXM4-40GB",
        memory: 40960,
        uuid: "GPU-8c3f1a2b-1111-2222-3333-444455556666",
      },
      {
        model: "NVIDIA GeForce RTX 3060",
        memory: 12288,
        uuid: "GPU-0a0b0c0d-aaaa-bbbb-cccc-ddddeeeeffff",
      },
      { model: "Tesla T4", memory: 0 },
    ]);
  });

  it("keeps commas inside the name and ignores malformed lines", () => {
    expect(parseNvidiaSmi("Odd, Name, 1024, GPU-1\r\nbroken\n")).toEqual([
      { model: "Odd, Name", memory: 1024, uuid: "GPU-1" },
    ]);
  });
});

describe("detectGpus", () => {
  it("runs nvidia-smi with the query arguments", async () => {
    const calls: string[][] = [];
    const gpus = await detectGpus(async (cmd, args) => {
      calls.push([cmd, ...args]);
      return SAMPLE;
    });
    expect(calls).toEqual([["nvidia-smi", ...NVIDIA_SMI_ARGS]]);
    expect(gpus).toHaveLength(3);
  });

  it("returns [] when nvidia-smi is absent or fails", async () => {
    const enoent = Object.assign(new Error("spawn nvidia-smi ENOENT"), { code: "ENOENT" });
    expect(await detectGpus(() => Promise.reject(enoent))).toEqual([]);
    expect(Array.isArray(await detectGpus())).toBe(true);
  });
});
