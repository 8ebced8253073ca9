import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { ApiError } from "../client/api-error.js";
import type { JoinAnswer } from "../client/index.js";
import type { Fingerprint } from "../model/index.js";

export interface JoinBody {
  name: string;
  site: string;
  labels: Record<string, string>;
  fingerprint: Fingerprint;
}

/**
 * `POST /v1/nodes/join` over node:http(s). The agent does not use the typed client's `fetch` for
 * its one HTTP call: loading fetch (undici) costs a small device several MB of resident memory
 * for the life of the process. Errors are the client's `ApiError`s (status 0 when unreachable).
 */
export function joinRequest(
  serverUrl: string,
  token: string,
  body: JoinBody,
  timeoutMs = 30_000,
): Promise<JoinAnswer> {
  const url = new URL("/v1/nodes/join", serverUrl);
  const payload = JSON.stringify(body);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const unreachable = (why: string) =>
      new ApiError(0, "UNAVAILABLE", `cannot reach the Brink server at ${serverUrl}: ${why}`);
    const req = send(
      url,
      {
        method: "POST",
        timeout: timeoutMs,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (err) => reject(unreachable(err.message)));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          if (status >= 200 && status < 300 && parsed) return resolve(parsed as JoinAnswer);
          const error = (parsed as { error?: { code?: string; message?: string } } | undefined)
            ?.error;
          reject(
            new ApiError(
              status,
              error?.code ?? `HTTP_${status}`,
              error?.message ?? (text.slice(0, 200) || `HTTP ${status}`),
            ),
          );
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on("error", (err) => reject(unreachable(err.message)));
    req.end(payload);
  });
}
