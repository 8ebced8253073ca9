import { describe, expect, it } from "vitest";
import { jobSpecSchema } from "./job-spec.js";
import { compareEndpoints, portEnvName, type ServiceEndpoint, serviceNameOf } from "./service.js";

const task = (extra: Record<string, unknown>) => ({
  name: "web",
  driver: "exec",
  config: { command: "/bin/true" },
  ...extra,
});
const parse = (extra: Record<string, unknown>) =>
  jobSpecSchema.safeParse({ name: "shop", tasks: [task(extra)] });
const messages = (extra: Record<string, unknown>) => {
  const r = parse(extra);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("services in the job spec", () => {
  it("names port variables and services", () => {
    expect(portEnvName("http")).toBe("BRINK_PORT_HTTP");
    expect(portEnvName("grpc-api.v2")).toBe("BRINK_PORT_GRPC_API_V2");
    expect(serviceNameOf("shop", { name: "web" })).toBe("shop-web");
    expect(serviceNameOf("shop", { name: "web", service: "front" })).toBe("front");
  });

  it("fills check defaults with the spec's durations", () => {
    const r = parse({
      ports: [{ name: "http" }],
      check: { type: "http", path: "/healthz", interval: "2s" },
      lb: { policy: "consistent_hash", hashHeader: "X-Session" },
    });
    expect(r.success).toBe(true);
    const t = r.data?.tasks[0];
    expect(t?.check).toEqual({
      type: "http",
      path: "/healthz",
      interval: 2000,
      timeout: 1000,
      args: [],
    });
    expect(t?.lb).toEqual({ policy: "consistent_hash", hashHeader: "x-session" });
  });

  it("explains what does not fit together", () => {
    expect(messages({ service: "x" })).toEqual([
      'tasks.0.service: a service needs ports: add e.g. "ports: [{name: http}]"',
    ]);
    expect(messages({ ports: [{ name: "http" }, { name: "http" }] })).toEqual([
      'tasks.0.ports.1.name: duplicate port name "http"',
    ]);
    expect(messages({ ports: [{ name: "http" }], check: { type: "tcp", port: "grpc" } })).toEqual([
      'tasks.0.check.port: no port named "grpc"; ports: http',
    ]);
    expect(messages({ check: { type: "exec" } })).toEqual([
      "tasks.0.check.command: an exec check needs a command",
    ]);
    expect(messages({ ports: [{ name: "h" }], lb: { policy: "consistent_hash" } })).toEqual([
      'tasks.0.lb.hashHeader: policy consistent_hash needs hashHeader (e.g. "x-session-id")',
    ]);
    expect(
      messages({ ports: [{ name: "h" }], check: { type: "http", interval: "5x" } })[0],
    ).toContain("is not a duration");
  });

  it("sorts endpoints nearest first, unknown RTT last", () => {
    const e = (node: string, rttMs: number | null, health: "healthy" | "unhealthy") =>
      ({ node, rttMs, health, allocId: node }) as ServiceEndpoint;
    const list = [
      e("c", null, "healthy"),
      e("b", 5, "healthy"),
      e("a", 5, "unhealthy"),
      e("d", 0.5, "healthy"),
    ];
    expect(list.sort(compareEndpoints).map((x) => x.node)).toEqual(["d", "b", "a", "c"]);
  });
});
