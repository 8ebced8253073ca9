import type { Selectable } from "kysely";
import type { TokensTable } from "../database.js";
import type { TokenRecord } from "../store.js";
import type { Executor } from "./executor.js";

const ROLES: ReadonlySet<string> = new Set<TokenRecord["role"]>(["admin", "node", "join"]);

function toToken(row: Selectable<TokensTable>): TokenRecord {
  if (!ROLES.has(row.role)) throw new Error(`token has unknown role "${row.role}"`);
  return {
    hash: row.hash,
    role: row.role as TokenRecord["role"],
    nodeId: row.node_id,
    createdAt: row.created_at,
  };
}

export async function putToken(db: Executor, token: TokenRecord): Promise<void> {
  const row = {
    hash: token.hash,
    role: token.role,
    node_id: token.nodeId,
    created_at: token.createdAt,
  };
  await db
    .insertInto("tokens")
    .values(row)
    .onConflict((oc) =>
      oc.column("hash").doUpdateSet((eb) => ({
        role: eb.ref("excluded.role"),
        node_id: eb.ref("excluded.node_id"),
        created_at: eb.ref("excluded.created_at"),
      })),
    )
    .execute();
}

export async function findToken(db: Executor, hash: string): Promise<TokenRecord | undefined> {
  const row = await db.selectFrom("tokens").selectAll().where("hash", "=", hash).executeTakeFirst();
  return row && toToken(row);
}

export async function deleteTokensOfNode(db: Executor, nodeId: string): Promise<void> {
  await db.deleteFrom("tokens").where("node_id", "=", nodeId).execute();
}
