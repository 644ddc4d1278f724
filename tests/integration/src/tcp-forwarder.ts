import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP forwarder a test can cut and heal, for the one link it carries (here: one
 * statestored's HA client to its peer). Cut = connections reset and new ones refused.
 */
export class TcpForwarder {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(readonly listenPort: number, private readonly upstreamPort: number) {}

  async open(): Promise<void> {
    const server = createServer((down) => {
      const up = connect(this.upstreamPort, '127.0.0.1');
      for (const s of [down, up]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      down.pipe(up).pipe(down);
      down.on('close', () => up.destroy());
      up.on('close', () => down.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.resetAndDestroy();
    if (server) await new Promise((r) => server.close(r));
  }
}
