import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { declaredLinksSchema } from "./topology/declared.js";

/**
 * The server's configuration file (`brink server --config brink.yaml`): everything the flags set,
 * plus what has no flag — the operators' declared links between sites and to the cloud. Flags
 * given on the command line win over the file; the file wins over the defaults.
 */
export const serverFileSchema = z.strictObject({
  listen: z.string().min(1).optional(),
  dataDir: z.string().min(1).optional(),
  store: z.string().min(1).optional(),
  log: z
    .strictObject({
      format: z.enum(["json", "pretty"]).optional(),
      level: z.string().min(1).optional(),
    })
    .optional(),
  metricsAuth: z.boolean().optional(),
  heartbeatIntervalMs: z.int().positive().optional(),
  heartbeatGraceMs: z.int().positive().optional(),
  maxPendingJoins: z.int().positive().optional(),
  pushIntervalMs: z.int().min(0).optional(),
  /** Event log retention: newest `keep` events, none older than `maxAgeMs` (0 = no limit). */
  events: z
    .strictObject({
      keep: z.int().min(0).optional(),
      maxAgeMs: z.int().min(0).optional(),
    })
    .optional(),
  topology: z
    .strictObject({
      /** Replaces the stored declared links at every start (the API can change them until then). */
      links: declaredLinksSchema.optional(),
    })
    .optional(),
});

export type ServerFile = z.output<typeof serverFileSchema>;

/** Reads and checks a server config file; throws one Error naming the file and every problem. */
export function loadServerFile(path: string): ServerFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new Error(`config file ${path} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = serverFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const where = i.path.length > 0 ? i.path.map(String).join(".") : "(top level)";
      return `  ${where}: ${i.message}`;
    });
    throw new Error(
      `config file ${path} is not valid:\n${lines.join("\n")}\nSee docs/operations.md ("Server configuration file").`,
    );
  }
  return parsed.data;
}
