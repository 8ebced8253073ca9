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
 * every call the control plane makes, one at a time, so writes, commits and WAL checkpoints never
 * stop the server's event loop. Calls run in arrival order, except that the event log's writes
 * and pruning (`BACKGROUND`) wait while other calls are queued — plans, submissions and status
 * writes are what API answers and agents wait on — yet never for more than `FAIR_SHARE` calls.
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

/** Calls that nothing waits on but the event log itself (its reads merge what is queued). */
const BACKGROUND: ReadonlySet<string> = new Set(["appendEvents", "pruneEvents"]);
/** A waiting background call runs at the latest after this many other calls. */
const FAIR_SHARE = 8;

const foreground: StoreRequest[] = [];
const background: StoreRequest[] = [];
let pumping = false;

async function pump(): Promise<void> {
  if (pumping) return;
  pumping = true;
  let sinceBackground = 0;
  for (;;) {
    const takeBackground =
      background.length > 0 && (foreground.length === 0 || sinceBackground >= FAIR_SHARE);
    const req = takeBackground ? background.shift() : foreground.shift();
    if (!req) break;
    sinceBackground = takeBackground ? 0 : sinceBackground + 1;
    try {
      const value = await call(req);
      port?.postMessage({ id: req.id, ok: true, value } satisfies StoreReply);
    } catch (err) {
      port?.postMessage({ ...errorOf(err), id: req.id });
    }
  }
  pumping = false;
}

port.on("message", (req: StoreRequest) => {
  (BACKGROUND.has(req.method) ? background : foreground).push(req);
  void pump();
});
