import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { PortPool, portFree } from "./port-pool.js";

describe("PortPool", () => {
  it("gives distinct free ports from its range and keeps a preferred one", async () => {
    const pool = new PortPool({ min: 41000, max: 41063 });
    const a = await pool.assign([{ name: "http" }, { name: "grpc", to: 9000 }]);
    expect(a.map((p) => p.name)).toEqual(["http", "grpc"]);
    expect(a[1]?.to).toBe(9000);
    expect(a[0]?.port).not.toBe(a[1]?.port);
    for (const p of a) expect(p.port).toBeGreaterThanOrEqual(41000);
    pool.release(a);
    const again = await pool.assign([{ name: "http" }], a);
    expect(again[0]?.port).toBe(a[0]?.port);
  });

  it("skips ports something else listens on and says when none is left", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(41100, "0.0.0.0", r));
    try {
      expect(await portFree(41100)).toBe(false);
      const pool = new PortPool({ min: 41100, max: 41101 });
      const [p] = await pool.assign([{ name: "http" }]);
      expect(p?.port).toBe(41101);
      await expect(pool.assign([{ name: "other" }])).rejects.toThrow("no free port in 41100-41101");
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
