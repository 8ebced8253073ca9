import { request } from "node:http";

/** The answer of the agent's local API. */
export interface LocalApiAnswer {
  status: number;
  body: unknown;
}

/** Why a local API call failed: no agent listens, or it answered with an error. */
export class LocalApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

function errorMessage(body: unknown, status: number): string {
  const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return err?.message ? `${err.code ?? "ERROR"}: ${err.message}` : `the agent answered ${status}`;
}

function unreachable(socketPath: string, err: NodeJS.ErrnoException): LocalApiError {
  const none = err.code === "ENOENT" || err.code === "ECONNREFUSED";
  return new LocalApiError(
    none
      ? `no agent is running with this data dir (nothing listens on ${socketPath})`
      : `cannot reach the agent at ${socketPath}: ${err.message}`,
    undefined,
  );
}

/**
 * Calls the agent's local API over its unix socket (`fetch` cannot) and returns the JSON body;
 * rejects with LocalApiError when no agent listens or the agent answers with an error.
 */
export function callLocalApi(
  socketPath: string,
  method: "GET" | "POST",
  path: string,
  timeoutMs = 30_000,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { connection: "close" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (err) => reject(unreachable(socketPath, err)));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          return reject(new LocalApiError(`the agent answered ${status} without JSON`, status));
        }
        if (status >= 400) reject(new LocalApiError(errorMessage(body, status), status));
        else resolve(body);
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error("timed out")));
    req.on("error", (err: NodeJS.ErrnoException) => reject(unreachable(socketPath, err)));
    req.end();
  });
}
