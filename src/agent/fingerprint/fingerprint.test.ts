import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diskMiB, fingerprint } from "./index.js";

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "brink-fp-"));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("fingerprint", () => {
  it("reports the real, positive resources of this machine", async () => {
    const fp = await fingerprint({ dataDir });
    expect(fp.resources.cpu).toBeGreaterThanOrEqual(1000);
    expect(fp.resources.cpu % 1000).toBe(0);
    expect(fp.resources.memory).toBeGreaterThan(0);
    expect(fp.resources.disk).toBeGreaterThan(0);
    expect(fp.cpuModel).not.toBe("");
    expect(fp.os).toBe(process.platform);
    expect(fp.drivers).toEqual(["exec"]);
    expect(Array.isArray(fp.gpus)).toBe(true);
  });

  it("reports GPUs found by nvidia-smi", async () => {
    const fp = await fingerprint({ dataDir, gpuQuery: async () => "Tesla T4, 15360, GPU-1\n" });
    expect(fp.gpus).toEqual([{ model: "Tesla T4", memory: 15360, uuid: "GPU-1" }]);
  });
});

describe("diskMiB", () => {
  it("measures the filesystem of the nearest existing ancestor of a missing data dir", async () => {
    expect(await diskMiB(join(dataDir, "not", "yet"))).toBe(await diskMiB(dataDir));
  });
});
