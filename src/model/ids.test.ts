import { describe, expect, it } from "vitest";
import { idAt, newId, shortId } from "./ids.js";

describe("ids", () => {
  it("are UUID-shaped: a random first group, the creation time in ms, random bits", () => {
    const uuid = "0f1e2d3c-aaaa-4bbb-8ccc-9a8b7c6d5e4f";
    // 2026-11-26T00:00:00Z is 0x01a21526e400 ms.
    expect(idAt(Date.UTC(2026, 10, 26), uuid)).toBe("0f1e2d3c-01a2-1526-e400-9a8b7c6d5e4f");
    expect(newId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("keep their short form random", () => {
    const ids = Array.from({ length: 200 }, (_, i) => idAt(1_700_000_000_000 + i, newId()));
    expect(new Set(ids.map(shortId)).size).toBeGreaterThan(190);
  });
});
