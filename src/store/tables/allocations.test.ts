import { describe, expect, it } from "vitest";
import { idAt, newId } from "../../model/index.js";
import { storageKey } from "./allocations.js";

describe("allocation storage keys", () => {
  it("sort in creation order and stay unique", () => {
    const ids = Array.from({ length: 200 }, (_, i) => idAt(1_700_000_000_000 + i * 7, newId()));
    const keys = ids.map(storageKey);
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(ids.length);
  });

  it("leave ids of 9 characters or fewer as they are", () => {
    expect(storageKey("a1")).toBe("a1");
    expect(storageKey("123456789")).toBe("123456789");
  });
});
