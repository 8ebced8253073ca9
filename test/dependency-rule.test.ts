import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The layering of ARCHITECTURE.md, enforced: pure modules import no I/O modules and nothing from
 * the process-facing layers; the CLI reaches the server only through the client (plus the
 * entry points it starts: `brink server`, `brink openapi`).
 */
const SRC = resolve(import.meta.dirname, "..", "src");
const PURE = ["model", "scheduler", "topology", "sim"];
const IMPURE_LAYERS = ["server", "agent", "store", "cli", "client"];
const IO_MODULES = [
  "node:fs",
  "node:fs/promises",
  "node:net",
  "node:http",
  "node:https",
  "node:child_process",
  "node:dgram",
  "node:os",
];
const CLI_MAY_IMPORT_FROM_SERVER = [
  "server/main.js",
  "server/config.js",
  "server/logger.js",
  "server/version.js",
  "server/api/openapi.js",
];

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") && !path.includes(".test-util.")
      ? [path]
      : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^"']*?from\s+["']([^"']+)["']/g)].map(
    (m) => m[1] ?? "",
  );
}

/** `src`-relative path of a relative import, e.g. `server/main.js`. */
function target(file: string, spec: string): string | undefined {
  return spec.startsWith(".") ? relative(SRC, resolve(file, "..", spec)) : undefined;
}

describe("dependency rule", () => {
  for (const mod of PURE) {
    it(`${mod} is pure: no I/O modules, no process-facing layers, no clock or randomness of its own`, () => {
      const problems: string[] = [];
      for (const file of files(join(SRC, mod)).filter((f) => statSync(f).isFile())) {
        for (const spec of imports(file)) {
          const t = target(file, spec);
          if (IO_MODULES.includes(spec)) problems.push(`${relative(SRC, file)} imports ${spec}`);
          if (t && IMPURE_LAYERS.some((l) => t.startsWith(`${l}/`)))
            problems.push(`${relative(SRC, file)} imports ${t}`);
        }
        if (
          mod !== "model" &&
          /Date\.now\(|Math\.random\(|new Date\(\)/.test(readFileSync(file, "utf8"))
        ) {
          problems.push(`${relative(SRC, file)} reads the clock or randomness directly`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it("cli reaches the server only through the client", () => {
    const problems: string[] = [];
    for (const file of files(join(SRC, "cli"))) {
      for (const spec of imports(file)) {
        const t = target(file, spec);
        if (!t) continue;
        if (t.startsWith("store/")) problems.push(`${relative(SRC, file)} imports ${t}`);
        if (t.startsWith("server/") && !CLI_MAY_IMPORT_FROM_SERVER.includes(t)) {
          problems.push(`${relative(SRC, file)} imports ${t}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("web reaches the server only through the client (and pure model/scheduler types)", () => {
    const WEB = resolve(import.meta.dirname, "..", "web", "src");
    const webFiles = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return webFiles(path);
        return /\.tsx?$/.test(path) && !path.endsWith(".test.ts") ? [path] : [];
      });
    const problems: string[] = [];
    for (const file of webFiles(WEB)) {
      for (const spec of imports(file)) {
        if (IO_MODULES.includes(spec) || spec.startsWith("node:")) {
          problems.push(`web/src/${relative(WEB, file)} imports ${spec}`);
        }
        const t = target(file, spec);
        if (!t || t.startsWith("..")) continue;
        if (!["client/", "model/", "scheduler/"].some((m) => t.startsWith(m))) {
          problems.push(`web/src/${relative(WEB, file)} imports src/${t}`);
        }
        const valueImport = new RegExp(`import\\s+(?!type\\b)[^;]*from\\s+["']${spec}["']`);
        if (t === "model/index.js" && valueImport.test(readFileSync(file, "utf8"))) {
          problems.push(
            `web/src/${relative(WEB, file)}: import values from model files, not the index`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("nothing below main reads process.env", () => {
    const offenders = ["model", "scheduler", "topology", "server", "agent", "store", "client"]
      .flatMap((m) => files(join(SRC, m)))
      .filter((f) => /process\.env/.test(readFileSync(f, "utf8")))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});

/**
 * What `brink` loads before any command runs: every module its entry point reaches by static
 * imports, in the build that runs (type-only imports are gone there, `import()` is not
 * followed). `brink agent` on a small device loads exactly this, so it stays small: the job and
 * event schemas (zod), the workflow planner and the server load only in the commands that use
 * them. Idle agent RSS went from 58 to 62 MB the one time an agent module imported a constant from
 * `model/index.js`, which pulled in zod.
 */
describe("the CLI's start-up module graph", () => {
  const DIST = resolve(import.meta.dirname, "..", "dist");
  const importRe = /^\s*(?:import|export)\s+(?:[^;"']*?\sfrom\s+)?["']([^"']+)["']/gm;

  function reachable(entry: string): { modules: string[]; packages: Set<string> } {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, "utf8").matchAll(importRe)) {
        const spec = m[1] as string;
        if (spec.startsWith(".")) visit(resolve(file, "..", spec));
        else if (!spec.startsWith("node:")) packages.add(spec.split("/")[0] as string);
      }
    };
    visit(entry);
    return { modules: [...seen].map((f) => relative(DIST, f)), packages };
  }

  it("loads only commander, pino and ws from node_modules, and no planner or server", () => {
    const { modules, packages } = reachable(join(DIST, "cli", "main.js"));
    expect(modules).toContain("agent/agent.js");
    expect([...packages].sort()).toEqual(["commander", "pino", "ws"]);
    const heavy = modules.filter(
      (m) =>
        m === "model/index.js" ||
        m === "model/job-spec.js" ||
        m.startsWith("scheduler/dag/plan") ||
        m === "server/main.js" ||
        m === "server/app.js" ||
        m.startsWith("store/"),
    );
    expect(heavy).toEqual([]);
  });
});
