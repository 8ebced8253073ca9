import type { ServerMessage } from "../model/index.js";

/** One agent's live connection, as the control plane sees it (the gateway implements it). */
export interface AgentSession {
  readonly nodeId: string;
  /** The peer address the server sees (the node's witnesses probe it there by default). */
  readonly remoteAddress: string | undefined;
  /** The server pings this session and the agent answers with heartbeats (see `welcome`). */
  readonly serverPings?: boolean;
  send(message: ServerMessage): void;
  /** Sends a message already encoded as JSON (the same value `send` would encode), of `type`. */
  sendText(json: string, type: ServerMessage["type"]): void;
  close(code: number, reason: string): void;
  /** Drops the connection at once (no closing handshake: the link may be black-holed). */
  terminate(): void;
}
