import type { ServerMessage } from "../model/index.js";

/** One agent's live connection, as the control plane sees it (the gateway implements it). */
export interface AgentSession {
  readonly nodeId: string;
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}
