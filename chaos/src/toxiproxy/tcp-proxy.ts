/**
 * One named L4 proxy: a listener that opens a Link per accepted connection, plus the toxics
 * every link runs through. Mirrors toxiproxy 2.12.0's proxy.go: `listen` reports the bound
 * address (`127.0.0.1:0` gets a free port, an empty host every interface, `[::]:port`), the
 * upstream is only resolved when a client connects, and deleting the proxy closes the listener
 * and every connection.
 */
import * as net from 'node:net';
import { ToxiproxyApiError, toxicNotFound } from './api-error';
import { formatHostPort, parseHostPort } from './host-port';
import { Link } from './link';
import { parseToxicSpec, streamOf } from './toxic';
import type { ToxicSpec } from './toxic';

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicSpec[];
}

export class TcpProxy {
  private readonly links = new Set<Link>();
  private readonly toxics = new Map<string, ToxicSpec>();

  private constructor(
    readonly name: string,
    readonly listen: string,
    readonly upstream: string,
    private readonly server: net.Server,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listens; a listen that fails is toxiproxy's 500 with the reason. */
  static async start(name: string, listen: string, upstream: string): Promise<TcpProxy> {
    // Go's net.Listen("tcp", "") takes every interface and a free port.
    const address = listen === '' ? { host: '', port: 0 } : parseHostPort(listen);
    if (!address) throw new ToxiproxyApiError(`listen tcp: address ${listen}: not host:port`, 500);
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause: Error) => reject(new ToxiproxyApiError(`listen tcp ${listen}: ${cause.message}`, 500, { cause })));
      server.listen({ host: address.host || undefined, port: address.port }, resolve);
    });
    const bound = server.address() as net.AddressInfo;
    return new TcpProxy(name, formatHostPort({ host: bound.address, port: bound.port }), upstream, server);
  }

  get connectionCount(): number {
    return this.links.size;
  }

  /** Toxiproxy lists the upstream chain, then the downstream one, each in the order added. */
  toxicList(): ToxicSpec[] {
    const all = [...this.toxics.values()];
    return [...all.filter((t) => streamOf(t) === 'upstream'), ...all.filter((t) => streamOf(t) === 'downstream')];
  }

  getToxic(name: string): ToxicSpec {
    const toxic = this.toxics.get(name);
    if (!toxic) throw toxicNotFound();
    return toxic;
  }

  /** Parses the body of `POST /proxies/{p}/toxics` and applies the toxic to every open connection. */
  addToxic(body: unknown): ToxicSpec {
    const spec = parseToxicSpec(body, (name) => this.toxics.has(name));
    this.toxics.set(spec.name, spec);
    this.pushToxics();
    return spec;
  }

  removeToxic(name: string): void {
    if (!this.toxics.delete(name)) throw toxicNotFound();
    this.pushToxics();
  }

  removeAllToxics(): void {
    this.toxics.clear();
    this.pushToxics();
  }

  toJSON(): ProxyJson {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: true, toxics: this.toxicList() };
  }

  /** Closes the listener and every connection (a FIN each, an RST where reset_peer armed SO_LINGER 0). */
  async stop(): Promise<void> {
    for (const link of this.links) link.closeAll();
    this.links.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pushToxics(): void {
    const list = [...this.toxics.values()];
    for (const link of this.links) link.setToxics(list);
  }

  private accept(client: net.Socket): void {
    const link = new Link(client, parseHostPort(this.upstream), [...this.toxics.values()], (closed) => this.links.delete(closed));
    this.links.add(link);
  }
}
