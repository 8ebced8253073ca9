import { createServer, type Server } from "node:net";

/**
 * The agent's peer port: a site peer connects, reads one line (`brink-peer <nodeId>`) and
 * closes. Cheap enough to answer every second from every peer of a site.
 */
export class PeerServer {
  private server: Server | null = null;

  constructor(private readonly nodeId: () => string) {}

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => {
        socket.on("error", () => undefined);
        socket.end(`brink-peer ${this.nodeId()}\n`);
      });
      server.once("error", reject);
      server.listen(port, host, () => {
        const addr = server.address();
        this.server = server;
        resolve({ host, port: typeof addr === "object" && addr ? addr.port : port });
      });
    });
  }

  close(): void {
    this.server?.close();
    this.server = null;
  }
}
