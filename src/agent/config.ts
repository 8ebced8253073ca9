/** Everything `brink agent` is configured by, validated once in `main` and frozen. */
export interface AgentConfig {
  serverUrl: string;
  /** Needed for the first join (and to rejoin when the stored credential is refused). */
  joinToken: string | undefined;
  name: string;
  site: string;
  labels: Record<string, string>;
  dataDir: string;
  /** Reconnect backoff: first delay and cap, in ms (jitter is added). */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Peer port site peers probe (witnessing); port 0 = any free port. */
  peerListen: { host: string; port: number };
  /** The local load balancer (`http://<lbListen>/<service>/...`); port 0 = any free port. */
  lbListen: { host: string; port: number };
  /** Host ports for tasks' `ports` are assigned from this range. */
  portRange: { min: number; max: number };
  /** PATH given to tasks (the agent's own PATH, passed down from main). */
  taskPath: string | undefined;
  logFormat: "json" | "pretty";
  logLevel: string;
}
