import { parentPort, workerData } from "node:worker_threads";
import { BrinkError } from "../../model/errors.js";
import type { KyselyStore } from "../kysely-store.js";
import { openSqliteStore, type SqliteStoreOptions } from "./open-sqlite-store.js";
import {
  type StoreReply,
  type StoreRequest,
  WORKER_METHODS,
  type WorkerMethod,
} from "./worker-protocol.js";

/**
 * The SQLite store's own thread (see `worker-store.ts`): it holds the one connection and runs
 * every call the control plane makes, so writes, commits and WAL checkpoints never stop the
 * server's event loop. Calls run in arrival order; the store's connection lock keeps
 * transactions whole.
 */
const port = parentPort;
if (!port) throw new Error("store-worker.js runs only as a worker thread");

let store: KyselyStore | null = null;

function open(): KyselyStore {
  store ??= openSqliteStore(workerData as SqliteStoreOptions);
  return store;
}

function errorOf(err: unknown): StoreReply & { ok: false } {
  if (err instanceof BrinkError)
    return {
      id: 0,
      ok: false,
      error: { message: err.message, code: err.code, details: err.details },
    };
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  return {
    id: 0,
    ok: false,
    error: {
      message: e.message,
      name: e.name,
      ...(typeof code === "string" ? { sqlCode: code } : {}),
    },
  };
}

async function call(req: StoreRequest): Promise<unknown> {
  if (!WORKER_METHODS.has(req.method)) throw new Error(`store worker: no method "${req.method}"`);
  const target = open() as unknown as Record<WorkerMethod, (...args: unknown[]) => unknown>;
  return target[req.method](...req.args);
}

port.on("message", (req: StoreRequest) => {
  call(req).then(
    (value) => port.postMessage({ id: req.id, ok: true, value } satisfies StoreReply),
    (err: unknown) => port.postMessage({ ...errorOf(err), id: req.id }),
  );
});
