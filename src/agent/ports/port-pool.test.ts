import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { PortPool, portFree } from "./port-pool.js";

const seq = () => {
  let n = 0;
  return () => (n++ * 0.37) % 1;
};

describe("PortPool", () => {
  it("gives distinct ports from its range and keeps a preferred one", async () => {
    const pool = new PortPool({ min: 41000, max: 41063 }, seq(), async () => true);
    const a = await pool.assign([{ name: "http" }, { name: "grpc", to: 9000 }]);
    expect(a.map((p) => p.name)).toEqual(["http", "grpc"]);
    expect(a[1]?.to).toBe(9000);
    expect(a[0]?.port).not.toBe(a[1]?.port);
    for (const p of a) expect(p.port >= 41000 && p.port <= 41063).toBe(true);
    // Held ports are not given twice; released ones are kept for their allocation.
    const b = await pool.assign([{ name: "http" }]);
    expect(a.map((p) => p.port)).not.toContain(b[0]?.port);
    pool.release(a);
    const again = await pool.assign([{ name: "http" }], a);
    expect(again[0]?.port).toBe(a[0]?.port);
  });

  it("skips ports something else listens on and says when none is left", async () => {
    const pool = new PortPool({ min: 41100, max: 41101 }, seq(), async (p) => p !== 41100);
    const [p] = await pool.assign([{ name: "http" }]);
    expect(p?.port).toBe(41101);
    await expect(pool.assign([{ name: "other" }])).rejects.toThrow("no free port in 41100-41101");
  });

  it("tells a port in use from a free one", async () => {
    const busy = createServer();
    const port = await new Promise<number>((resolve) =>
      busy.listen(0, "0.0.0.0", () => {
        const addr = busy.address();
        resolve(typeof addr === "object" && addr ? addr.port : 0);
      }),
    );
    try {
      expect(await portFree(port)).toBe(false);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
