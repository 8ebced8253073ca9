import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { BrinkError } from "../model/index.js";

/** Where `npm run build` puts the dashboard (`vite build` of web/ into dist/web). */
export function defaultUiDir(): string {
  // This file is <root>/dist/server/ui.js once built (<root>/src/server/ui.ts under tsx).
  return join(fileURLToPath(new URL("../../", import.meta.url)), "dist", "web");
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Brink</title>
<p>The dashboard is not built. Run <code>npm run build</code> (or <code>npm install</code>) in the
Brink directory, then restart the server. The API is at <code>/v1</code>.</p>`;

/**
 * The web dashboard at `/ui/`: public static files (the app signs in against `/v1` with a token).
 * Files are looked up on disk per request, so a rebuild is served without a restart. A path under
 * `/ui/` that is no file answers the app's index.html, so the app's routes can be reloaded and
 * bookmarked; a missing `/ui/assets/` file is a 404. `/` and `/ui` redirect to `/ui/`.
 */
export async function uiRoutes(app: FastifyInstance, dir = defaultUiDir()): Promise<void> {
  const pub = { config: { public: true } };
  app.get("/", pub, (_req, reply) => reply.redirect("/ui/"));
  app.get("/ui", pub, (_req, reply) => reply.redirect("/ui/"));
  await app.register(
    async (ui) => {
      if (!existsSync(join(dir, "index.html"))) {
        ui.get("/*", pub, (_req, reply) => reply.type("text/html").send(NOT_BUILT));
        return;
      }
      await ui.register(fastifyStatic, {
        root: dir,
        prefix: "/",
        index: ["index.html"],
        redirect: false,
        setHeaders(reply, path) {
          // Hashed asset names never change content; index.html is checked every time.
          const asset = path.startsWith(join(dir, "assets"));
          reply.header("cache-control", asset ? "public, max-age=31536000, immutable" : "no-cache");
        },
      });
      ui.setNotFoundHandler((req, reply) => {
        const path = req.url.split("?")[0] ?? "";
        if (req.method !== "GET" || path.startsWith("/ui/assets/")) {
          const err = new BrinkError("NOT_FOUND", `no file ${req.method} ${path}`);
          return reply.status(404).send(err.toBody());
        }
        return reply.header("cache-control", "no-cache").sendFile("index.html");
      });
    },
    { prefix: "/ui" },
  );
}
