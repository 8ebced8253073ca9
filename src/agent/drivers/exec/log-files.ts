import { type FileHandle, open } from "node:fs/promises";
import { join } from "node:path";

export const STDOUT_LOG = "stdout.log";
export const STDERR_LOG = "stderr.log";

/**
 * Opens `<dir>/stdout.log` and `<dir>/stderr.log` for appending, runs `use` with their file
 * descriptors, and closes them afterwards (a spawned child keeps its own copies).
 */
export async function withLogFiles<T>(
  dir: string,
  use: (stdout: number, stderr: number) => Promise<T>,
): Promise<T> {
  const handles: FileHandle[] = [];
  try {
    const out = await open(join(dir, STDOUT_LOG), "a");
    handles.push(out);
    const err = await open(join(dir, STDERR_LOG), "a");
    handles.push(err);
    return await use(out.fd, err.fd);
  } finally {
    await Promise.allSettled(handles.map((h) => h.close()));
  }
}
