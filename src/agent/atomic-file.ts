import { rename, writeFile } from "node:fs/promises";

/** Writes a file so a crash leaves either the old or the new content, never half of it. */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}
