import { statfs } from "node:fs/promises";
import { dirname, resolve } from "node:path";

const MIB = 1024 * 1024;

/** Total size in MiB of the filesystem holding `dir` (or its nearest existing ancestor). */
export async function diskMiB(dir: string): Promise<number> {
  let path = resolve(dir);
  for (;;) {
    try {
      const s = await statfs(path);
      return Math.floor((s.blocks * s.bsize) / MIB);
    } catch (err) {
      const parent = dirname(path);
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || parent === path) throw err;
      path = parent;
    }
  }
}
