import type { DriverName } from "../../model/job-spec.js";
import type { Driver } from "./driver.js";
import { createExecDriver, type ExecDriverOptions } from "./exec/exec-driver.js";

export interface DriverRegistryOptions {
  exec?: ExecDriverOptions;
}

/** Every driver the agent knows, by the name job specs use. */
export type DriverRegistry = Readonly<Record<DriverName, Driver>>;

/** The literal registry: add a driver here (and to KNOWN_DRIVERS in the model). */
export function createDriverRegistry(opts: DriverRegistryOptions = {}): DriverRegistry {
  return {
    exec: createExecDriver(opts.exec),
  };
}

/** The driver called `name`, or undefined when the agent has none by that name. */
export function findDriver(
  registry: Readonly<Record<string, Driver>>,
  name: string,
): Driver | undefined {
  return Object.hasOwn(registry, name) ? registry[name] : undefined;
}

/** Names of the drivers that can run on this machine, sorted. A failing check counts as no. */
export async function availableDriverNames(
  registry: Readonly<Record<string, Driver>>,
): Promise<string[]> {
  const drivers = Object.values(registry);
  const checks = await Promise.all(drivers.map((d) => d.available().catch(() => false)));
  return drivers
    .filter((_, i) => checks[i])
    .map((d) => d.name)
    .sort();
}
