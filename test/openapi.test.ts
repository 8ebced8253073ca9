import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../src/server/api/openapi.js";
import { BRINK_VERSION } from "../src/server/version.js";

describe("docs/openapi.json", () => {
  it("is the committed copy of the served document (run `npm run openapi` after API changes)", () => {
    const committed = JSON.parse(
      readFileSync(join(import.meta.dirname, "..", "docs", "openapi.json"), "utf8"),
    );
    expect(committed).toEqual(openApiDocument(BRINK_VERSION));
  });
});
