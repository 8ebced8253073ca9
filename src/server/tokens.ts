import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isoAt, systemClock } from "../model/index.js";
import type { Store } from "../store/index.js";

/** New token text: a prefix naming its role, then 32 random bytes. */
export function newToken(role: "admin" | "join" | "node"): string {
  return `brink-${role}-${randomBytes(32).toString("base64url")}`;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Constant-time equality of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readTokenFile(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, "utf8")).trim();
    return text === "" ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * On first start: create the admin and join tokens, store their hashes and write the tokens to
 * `<dataDir>/admin.token` and `<dataDir>/join.token` (mode 0600). Later starts reuse them.
 */
export async function ensureBootstrapTokens(
  store: Store,
  dataDir: string,
): Promise<{ adminPath: string; joinPath: string; created: boolean }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const adminPath = join(dataDir, "admin.token");
  const joinPath = join(dataDir, "join.token");
  let created = false;
  for (const [role, path] of [
    ["admin", adminPath],
    ["join", joinPath],
  ] as const) {
    const existing = await readTokenFile(path);
    if (existing && (await store.findToken(hashToken(existing)))?.role === role) continue;
    const token = newToken(role);
    await store.putToken({
      hash: hashToken(token),
      role,
      nodeId: null,
      createdAt: isoAt(systemClock),
    });
    await writeFile(path, `${token}\n`, { mode: 0o600 });
    await chmod(path, 0o600);
    created = true;
  }
  return { adminPath, joinPath, created };
}
