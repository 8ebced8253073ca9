import { describe, expect, it } from "vitest";
import type { Driver } from "./driver.js";
import { availableDriverNames, createDriverRegistry, findDriver } from "./registry.js";

function fake(name: string, available: () => Promise<boolean>): Driver {
  return { name, available, start: () => Promise.reject(new Error("not used")) };
}

describe("driver registry", () => {
  it("knows exec by name and nothing else", () => {
    const registry = createDriverRegistry();
    expect(findDriver(registry, "exec")?.name).toBe("exec");
    expect(findDriver(registry, "wasm")).toBeUndefined();
    expect(findDriver(registry, "toString")).toBeUndefined();
  });

  it("lists available drivers, treating a failing check as unavailable", async () => {
    const registry = {
      b: fake("b", async () => true),
      a: fake("a", async () => true),
      c: fake("c", async () => false),
      d: fake("d", () => Promise.reject(new Error("boom"))),
    };
    expect(await availableDriverNames(registry)).toEqual(["a", "b"]);
    expect(await availableDriverNames(createDriverRegistry())).toEqual(["exec"]);
  });
});
