import { BrinkError } from "../../model/errors.js";
import type { Node, NodeStatus } from "../../model/index.js";
import { conflictAs } from "../unique-violation.js";
import { type Executor, fromData, touchedAny } from "./executor.js";

function nodeRow(node: Node) {
  return {
    id: node.id,
    name: node.name,
    site: node.site,
    status: node.status,
    data: JSON.stringify(node),
  };
}

/** Inserts or replaces by id; a name held by another node is a `CONFLICT`. */
export async function putNode(db: Executor, node: Node): Promise<void> {
  const write = db
    .insertInto("nodes")
    .values(nodeRow(node))
    .onConflict((oc) =>
      oc.column("id").doUpdateSet((eb) => ({
        name: eb.ref("excluded.name"),
        site: eb.ref("excluded.site"),
        status: eb.ref("excluded.status"),
        data: eb.ref("excluded.data"),
      })),
    );
  await conflictAs(`node name "${node.name}" is taken by another node`, () => write.execute());
}

export async function getNode(db: Executor, id: string): Promise<Node | undefined> {
  const row = await db.selectFrom("nodes").select("data").where("id", "=", id).executeTakeFirst();
  return row && fromData<Node>(row);
}

export async function getNodeByName(db: Executor, name: string): Promise<Node | undefined> {
  const row = await db
    .selectFrom("nodes")
    .select("data")
    .where("name", "=", name)
    .executeTakeFirst();
  return row && fromData<Node>(row);
}

/** Every node, by name. */
export async function listNodes(db: Executor): Promise<Node[]> {
  const rows = await db.selectFrom("nodes").select("data").orderBy("name").execute();
  return rows.map((row) => fromData<Node>(row));
}

export interface NodeStatusChange {
  status: NodeStatus;
  reason: string | null;
  /** Null keeps the stored heartbeat. */
  lastHeartbeat: string | null;
}

/**
 * Read-modify-write of one node. Run it in a transaction: the first statement writes the row, which
 * takes the row lock (PostgreSQL) or the write lock (SQLite) before the read, so no update is lost.
 */
export async function setNodeStatus(
  db: Executor,
  id: string,
  change: NodeStatusChange,
): Promise<void> {
  const locked = await db
    .updateTable("nodes")
    .set({ status: change.status })
    .where("id", "=", id)
    .executeTakeFirst();
  const node = touchedAny(locked) ? await getNode(db, id) : undefined;
  if (!node) throw new BrinkError("NODE_NOT_FOUND", `node ${id} not found`);
  node.status = change.status;
  node.statusReason = change.reason;
  node.lastHeartbeat = change.lastHeartbeat ?? node.lastHeartbeat;
  await db.updateTable("nodes").set(nodeRow(node)).where("id", "=", id).execute();
}
