/**
 * A replica for the latency-routing benchmark, run as a Brink task: the echo service on a
 * private port, behind the test FaultProxy on BRINK_PORT_HTTP adding half of the round trip
 * given for this instance in each direction (ROUND_TRIPS_MS="2,20,80", by BRINK_ALLOC_INDEX).
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { FaultProxy } from "../../test/fault-proxy.js";

const ECHO = join(import.meta.dirname, "..", "..", "test", "fixtures", "echo-service.mjs");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

const index = Number(process.env.BRINK_ALLOC_INDEX ?? 0);
const roundTrips = (process.env.ROUND_TRIPS_MS ?? "0").split(",").map(Number);
const roundTrip = roundTrips[index] ?? 0;
const backendPort = await freePort();
const backend = spawn(process.execPath, [ECHO], {
  stdio: "inherit",
  env: { ...process.env, BRINK_PORT_HTTP: String(backendPort), ECHO_DELAYS: "" },
});
const proxy = new FaultProxy("127.0.0.1", backendPort);
proxy.set({ kind: "delay", ms: roundTrip / 2, jitterMs: 0 });
await proxy.start(Number(process.env.BRINK_PORT_HTTP));
const end = () => {
  backend.kill("SIGTERM");
  process.exit(0);
};
process.on("SIGTERM", end);
process.on("SIGINT", end);
backend.on("exit", () => process.exit(1));
