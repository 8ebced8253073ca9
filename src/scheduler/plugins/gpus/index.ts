import { type GpuInfo, type GpuRequest, gpuDeviceId, type Node } from "../../../model/index.js";
import type { FeasibilityPlugin } from "../../plugin.js";

/** The node's GPUs that satisfy the request's model pattern and memory, with their device ids. */
const patterns = new Map<string, RegExp>();

function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(source, "i");
    if (patterns.size > 1000) patterns.clear();
    patterns.set(source, re);
  }
  return re;
}

export function matchingGpus(node: Node, req: GpuRequest): Array<{ id: string; gpu: GpuInfo }> {
  if (node.gpus.length === 0) return [];
  const model = req.model === undefined ? undefined : pattern(req.model);
  const out: Array<{ id: string; gpu: GpuInfo }> = [];
  node.gpus.forEach((gpu, i) => {
    if (model && !model.test(gpu.model)) return;
    if (req.memory !== undefined && gpu.memory < req.memory) return;
    out.push({ id: gpuDeviceId(gpu, i), gpu });
  });
  return out;
}

/** Free devices (not held by any allocation) that satisfy the request. */
export function freeGpus(node: Node, req: GpuRequest, used: ReadonlySet<string>): string[] {
  return matchingGpus(node, req)
    .map((g) => g.id)
    .filter((id) => !used.has(id));
}

function describe(req: GpuRequest): string {
  const parts = [req.model ? `model ${req.model}` : "", req.memory ? `≥${req.memory}MiB` : ""];
  return parts.filter(Boolean).join(", ");
}

/** GPUs: enough devices matching model and memory that no allocation holds. */
export const gpus: FeasibilityPlugin = {
  name: "gpus",
  cacheable: false,
  applies: (ctx) => ctx.gpu !== undefined,
  check(ctx, node) {
    const req = ctx.gpu;
    if (!req) return null;
    const matching = matchingGpus(node, req).length;
    if (matching < req.count) {
      const what = describe(req);
      return matching === 0 && node.gpus.length === 0
        ? "no GPU"
        : `fewer than ${req.count} GPU${req.count > 1 ? "s" : ""}${what ? ` (${what})` : ""}`;
    }
    return freeGpus(node, req, ctx.devicesUsed(node.id)).length < req.count
      ? "exhausted gpu"
      : null;
  },
};
