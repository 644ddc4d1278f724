/**
 * Our toxiproxy-compatible server in this process: the HTTP API on host:port (8474 as
 * toxiproxy's default) plus the proxies it manages.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ToxiproxyApi } from './api-server';

export const DEFAULT_TOXIPROXY_PORT = 8474;

export interface ToxiproxyServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8474; 0 picks a free port. */
  port?: number;
}

export class ToxiproxyServer {
  private readonly api = new ToxiproxyApi();
  private readonly http = http.createServer(this.api.handle);

  private constructor() {
    // The API is polled by test clients with keep-alive; don't let idle sockets hold close().
    this.http.keepAliveTimeout = 1000;
  }

  static async start(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
    const server = new ToxiproxyServer();
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? DEFAULT_TOXIPROXY_PORT;
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen({ host, port }, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** Base URL for clients, e.g. http://127.0.0.1:8474. */
  get url(): string {
    const { address, family, port } = this.http.address() as AddressInfo;
    const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : family === 'IPv6' ? `[${address}]` : address;
    return `http://${host}:${port}`;
  }

  /** Stops every proxy (resetting its connections) and the API. */
  async stop(): Promise<void> {
    await this.api.proxies.closeAll();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
