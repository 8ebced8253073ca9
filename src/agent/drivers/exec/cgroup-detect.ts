import { constants } from "node:fs";
import { access, readFile, statfs } from "node:fs/promises";
import { join } from "node:path";

/** `statfs` type of a cgroup v2 mount (linux/magic.h). */
export const CGROUP2_SUPER_MAGIC = 0x63677270;

/** Whether `root` is a writable cgroup v2 mount offering the memory controller. Never throws. */
export async function cgroupMemoryUsable(root: string): Promise<boolean> {
  try {
    if ((await statfs(root)).type !== CGROUP2_SUPER_MAGIC) return false;
    const controllers = await readFile(join(root, "cgroup.controllers"), "utf8");
    if (!controllers.split(/\s+/).includes("memory")) return false;
    await access(root, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
