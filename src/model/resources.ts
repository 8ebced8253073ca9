/** Resource amounts: CPU in millicores (1 core = 1000), memory and disk in MiB. */
export interface Resources {
  cpu: number;
  memory: number;
  disk: number;
}

export const ZERO_RESOURCES: Readonly<Resources> = Object.freeze({ cpu: 0, memory: 0, disk: 0 });

export function addResources(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory, disk: a.disk + b.disk };
}

export function subtractResources(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu - b.cpu, memory: a.memory - b.memory, disk: a.disk - b.disk };
}

/** Names of the dimensions of `need` that do not fit in `free`, in a fixed order. */
export function exhaustedDimensions(free: Resources, need: Resources): Array<keyof Resources> {
  const out: Array<keyof Resources> = [];
  if (need.cpu > free.cpu) out.push("cpu");
  if (need.memory > free.memory) out.push("memory");
  if (need.disk > free.disk) out.push("disk");
  return out;
}
