import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { GpuInfo } from "../../model/node.js";

const execFileAsync = promisify(execFile);

export const NVIDIA_SMI_ARGS = [
  "--query-gpu=name,memory.total,uuid",
  "--format=csv,noheader,nounits",
] as const;

/** Runs a GPU query tool and returns its stdout (injectable for tests). */
export type QueryRunner = (command: string, args: readonly string[]) => Promise<string>;

const runQuery: QueryRunner = async (command, args) => {
  const { stdout } = await execFileAsync(command, [...args], { timeout: 5000 });
  return stdout;
};

function parseLine(line: string): GpuInfo | undefined {
  const fields = line.split(",").map((f) => f.trim());
  if (fields.length < 3) return undefined;
  const uuid = fields.pop()!;
  const memory = Number(fields.pop());
  const model = fields.join(", ");
  if (!model) return undefined;
  const gpu: GpuInfo = { model, memory: Number.isFinite(memory) ? Math.floor(memory) : 0 };
  if (uuid && uuid !== "[N/A]") gpu.uuid = uuid;
  return gpu;
}

/** Parses `nvidia-smi --query-gpu=name,memory.total,uuid --format=csv,noheader,nounits` output. */
export function parseNvidiaSmi(output: string): GpuInfo[] {
  return output
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "")
    .flatMap((l) => parseLine(l) ?? []);
}

/** NVIDIA GPUs of this machine; [] when nvidia-smi is absent or fails. */
export async function detectGpus(run: QueryRunner = runQuery): Promise<GpuInfo[]> {
  try {
    return parseNvidiaSmi(await run("nvidia-smi", NVIDIA_SMI_ARGS));
  } catch {
    return [];
  }
}
