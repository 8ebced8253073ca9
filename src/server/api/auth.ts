import type { FastifyReply, FastifyRequest } from "fastify";
import { BrinkError } from "../../model/index.js";
import type { TokenRecord } from "../../store/index.js";
import type { ControlPlane } from "../control-plane.js";

export type Role = TokenRecord["role"];

declare module "fastify" {
  interface FastifyContextConfig {
    /** Roles that may call the route; absent = admin only. `public` routes need no token. */
    roles?: Role[];
    public?: boolean;
    /** Also accept the token as `?token=` (for EventSource, which cannot set headers). */
    queryToken?: boolean;
  }
  interface FastifyRequest {
    principal?: TokenRecord;
  }
}

function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function queryToken(req: FastifyRequest): string | undefined {
  const i = req.url.indexOf("?");
  if (i < 0) return undefined;
  return new URLSearchParams(req.url.slice(i + 1)).get("token") || undefined;
}

/**
 * The `onRequest` hook that guards `/v1`: a missing or unknown token is 401; a known token whose
 * role the route does not allow is 403.
 */
export function authHook(cp: ControlPlane) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const config = req.routeOptions.config;
    if (config.public || !req.url.startsWith("/v1")) return;
    const token = bearerToken(req) ?? (config.queryToken ? queryToken(req) : undefined);
    if (!token) {
      const alt = config.queryToken ? " or add ?token=<token>" : "";
      throw new BrinkError(
        "UNAUTHORIZED",
        `missing token: send 'Authorization: Bearer <token>'${alt}`,
      );
    }
    const principal = await cp.authenticate(token);
    if (!principal) throw new BrinkError("UNAUTHORIZED", "invalid token");
    const allowed = config.roles ?? ["admin"];
    if (principal.role !== "admin" && !allowed.includes(principal.role)) {
      throw new BrinkError("FORBIDDEN", `a ${principal.role} token may not call this route`);
    }
    req.principal = principal;
  };
}

/** For routes a node may call: a node token acts only for its own node. */
export function assertActsFor(req: FastifyRequest, nodeId: string): void {
  const p = req.principal;
  if (p && p.role === "node" && p.nodeId !== nodeId) {
    throw new BrinkError("FORBIDDEN", "a node token may only act for its own node");
  }
}
