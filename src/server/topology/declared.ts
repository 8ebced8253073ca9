import { z } from "zod";

/** A link operators declare because it cannot be measured from inside (site↔site, site↔cloud). */
export const declaredLinkSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  latencyMs: z.number().min(0),
  bandwidthMbps: z.number().positive(),
});

export const declaredLinksSchema = z.array(declaredLinkSchema).max(10_000);

export type DeclaredLink = z.output<typeof declaredLinkSchema>;

/** Where declared links live in the store's meta table. */
export const DECLARED_LINKS_KEY = "topology.links";
