import os from "node:os";

/** CPU capacity in millicores: one core = 1000. */
export function cpuMillicores(): number {
  return os.availableParallelism() * 1000;
}

/** Model name of the first CPU, or "unknown". */
export function cpuModel(): string {
  return os.cpus()[0]?.model.trim() || "unknown";
}
