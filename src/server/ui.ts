import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** Where `npm run build` puts the dashboard (`vite build` of web/ into dist/web). */
export function defaultUiDir(): string {
  // This file is <root>/dist/server/ui.js once built (<root>/src/server/ui.ts under tsx).
  return join(fileURLToPath(new URL("../../", import.meta.url)), "dist", "web");
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Brink</title>
<p>The dashboard is not built. Run <code>npm run build</code> (or <code>npm install</code>) in the
Brink directory, then restart the server. The API is at <code>/v1</code>.</p>`;

/**
 * The web dashboard at `/ui/` (public static files; the app signs in with a token against
 * `/v1`). Any other path under `/ui/` answers the app's index.html so its routes can be
 * reloaded and bookmarked; `/` and `/ui` redirect to `/ui/`.
 */
export async function uiRoutes(app: FastifyInstance, dir = defaultUiDir()): Promise<void> {
  const pub = { config: { public: true } };
  app.get("/", pub, (_req, reply) => reply.redirect("/ui/"));
  app.get("/ui", pub, (_req, reply) => reply.redirect("/ui/"));
  if (!existsSync(join(dir, "index.html"))) {
    app.get("/ui/*", pub, (_req, reply) => reply.type("text/html").send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: "/ui/",
    wildcard: false,
    index: ["index.html"],
    setHeaders(reply, path) {
      // Hashed asset names never change content; index.html must be checked every time.
      reply.header(
        "cache-control",
        path.includes(`${join(dir, "assets")}`)
          ? "public, max-age=31536000, immutable"
          : "no-cache",
      );
    },
  });
  app.get("/ui/*", pub, (_req, reply) =>
    reply.header("cache-control", "no-cache").sendFile("index.html"),
  );
}
