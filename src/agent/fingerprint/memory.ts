import os from "node:os";

const MIB = 1024 * 1024;

/** Total physical memory in MiB. */
export function memoryMiB(): number {
  return Math.floor(os.totalmem() / MIB);
}
