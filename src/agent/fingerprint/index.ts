import type { Fingerprint } from "../../model/node.js";
import type { Driver } from "../drivers/driver.js";
import { availableDriverNames, createDriverRegistry } from "../drivers/registry.js";
import { cpuMillicores, cpuModel } from "./cpu.js";
import { diskMiB } from "./disk.js";
import { detectGpus, type QueryRunner } from "./gpu.js";
import { hostInfo } from "./host.js";
import { memoryMiB } from "./memory.js";

export { cpuMillicores, cpuModel } from "./cpu.js";
export { diskMiB } from "./disk.js";
export { detectGpus, NVIDIA_SMI_ARGS, parseNvidiaSmi, type QueryRunner } from "./gpu.js";
export { goArch, hostInfo } from "./host.js";
export { memoryMiB } from "./memory.js";

export interface FingerprintOptions {
  /** Where the agent keeps its data; disk is the size of the filesystem holding it. Default cwd. */
  dataDir?: string;
  /** Drivers to check; default the agent's registry. */
  drivers?: Readonly<Record<string, Driver>>;
  /** Runs nvidia-smi (injectable for tests). */
  gpuQuery?: QueryRunner;
}

/** What this machine offers: real CPU, memory, disk, identity, GPUs and usable drivers. */
export async function fingerprint(opts: FingerprintOptions = {}): Promise<Fingerprint> {
  const [disk, gpus, drivers] = await Promise.all([
    diskMiB(opts.dataDir ?? process.cwd()),
    detectGpus(opts.gpuQuery),
    availableDriverNames(opts.drivers ?? createDriverRegistry()),
  ]);
  return {
    resources: { cpu: cpuMillicores(), memory: memoryMiB(), disk },
    ...hostInfo(),
    cpuModel: cpuModel(),
    gpus,
    drivers,
  };
}
