import { describe, expect, it } from "vitest";
import type { Resources } from "../../../model/index.js";
import { testNode } from "../../fixtures.test-util.js";
import { testContext } from "../test-context.test-util.js";
import { resources } from "./index.js";

// 4000 millicores, 8192 MiB, 100000 MiB disk.
const node = testNode("a");
const check = (need: Resources, used?: Resources) =>
  resources.check(testContext({ need }, used ? { used: { [node.id]: used } } : {}), node);

describe("resources", () => {
  it("passes when the request fits, including an exact fit", () => {
    expect(check({ cpu: 1000, memory: 1024, disk: 0 })).toBeNull();
    expect(check({ cpu: 4000, memory: 8192, disk: 100_000 })).toBeNull();
    expect(check({ cpu: 1000, memory: 1024, disk: 0 }, { cpu: 3000, memory: 7168, disk: 0 })).toBe(
      null,
    );
  });

  it("names each exhausted dimension in a fixed order", () => {
    expect(check({ cpu: 4001, memory: 1, disk: 0 })).toBe("exhausted cpu");
    expect(check({ cpu: 1, memory: 8193, disk: 0 })).toBe("exhausted memory");
    expect(check({ cpu: 1, memory: 1, disk: 100_001 })).toBe("exhausted disk");
    expect(check({ cpu: 5000, memory: 9000, disk: 200_000 })).toBe("exhausted cpu+memory+disk");
  });

  it("counts what is already in use on the node", () => {
    const used = { cpu: 3500, memory: 8000, disk: 0 };
    expect(check({ cpu: 1000, memory: 100, disk: 0 }, used)).toBe("exhausted cpu");
    expect(check({ cpu: 500, memory: 193, disk: 0 }, used)).toBe("exhausted memory");
    expect(check({ cpu: 500, memory: 192, disk: 0 }, used)).toBeNull();
  });

  it("treats an over-committed node as full, not as negative room", () => {
    expect(check({ cpu: 1, memory: 1, disk: 0 }, { cpu: 5000, memory: 0, disk: 0 })).toBe(
      "exhausted cpu",
    );
  });

  it("depends on usage, so it is never cached per class", () => {
    expect(resources.cacheable).toBe(false);
  });
});
