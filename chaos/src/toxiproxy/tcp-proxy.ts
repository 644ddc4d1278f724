/**
 * One named L4 proxy: a listener that opens a Link per accepted connection, plus the toxics
 * every link runs through. Mirrors toxiproxy's proxy.go: `listen` reports the bound address
 * (so `127.0.0.1:0` gets a free port), and disabling closes the listener and every link.
 */
import * as net from 'node:net';
import { ToxiproxyApiError, toxicAlreadyExists, toxicNotFound } from './api-error';
import { formatHostPort, parseHostPort } from './host-port';
import { Link } from './link';
import { applyToxicUpdate } from './toxic';
import type { HostPort } from './host-port';
import type { ToxicSpec } from './toxic';

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicSpec[];
}

export interface ProxyUpdate {
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

function parseAddress(field: string, text: string): HostPort {
  const address = parseHostPort(text);
  if (!address) throw new ToxiproxyApiError(`bad request body: ${field} must be host:port, got ${JSON.stringify(text)}`, 400);
  return address;
}

export class TcpProxy {
  private server: net.Server | undefined;
  private readonly links = new Set<Link>();
  private readonly toxics = new Map<string, ToxicSpec>();
  private listenAddress: string;
  private upstreamAddress: string;

  constructor(readonly name: string, listen: string, upstream: string) {
    parseAddress('listen', listen);
    parseAddress('upstream', upstream);
    this.listenAddress = listen;
    this.upstreamAddress = upstream;
  }

  get enabled(): boolean {
    return this.server !== undefined;
  }

  get listen(): string {
    return this.listenAddress;
  }

  get upstream(): string {
    return this.upstreamAddress;
  }

  get connectionCount(): number {
    return this.links.size;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const address = parseAddress('listen', this.listenAddress);
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause: Error) =>
        // toxiproxy answers a failed listen with 500 and the Go error text.
        reject(new ToxiproxyApiError(`listen tcp ${this.listenAddress}: ${cause.message}`, 500, { cause })),
      );
      server.listen({ host: address.host || undefined, port: address.port }, resolve);
    });
    const bound = server.address() as net.AddressInfo;
    this.listenAddress = formatHostPort({ host: address.host || bound.address, port: bound.port });
    this.server = server;
  }

  /** Closes the listener and resets every open connection: clients see ECONNRESET, then ECONNREFUSED. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const link of this.links) link.finish('reset');
    this.links.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async update(change: ProxyUpdate): Promise<void> {
    const listen = change.listen ?? this.listenAddress;
    const upstream = change.upstream ?? this.upstreamAddress;
    parseAddress('listen', listen);
    parseAddress('upstream', upstream);
    const enabled = change.enabled ?? this.enabled;
    const moved = listen !== this.listenAddress || upstream !== this.upstreamAddress;
    if (moved || !enabled) await this.stop();
    this.listenAddress = listen;
    this.upstreamAddress = upstream;
    if (enabled) await this.start();
  }

  toxicList(): ToxicSpec[] {
    return [...this.toxics.values()];
  }

  getToxic(name: string): ToxicSpec {
    const toxic = this.toxics.get(name);
    if (!toxic) throw toxicNotFound();
    return toxic;
  }

  addToxic(spec: ToxicSpec): ToxicSpec {
    if (this.toxics.has(spec.name)) throw toxicAlreadyExists();
    this.toxics.set(spec.name, spec);
    this.pushToxics();
    return spec;
  }

  updateToxic(name: string, body: unknown): ToxicSpec {
    const updated = applyToxicUpdate(this.getToxic(name), body);
    this.toxics.set(name, updated);
    this.pushToxics();
    return updated;
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
    return { name: this.name, listen: this.listenAddress, upstream: this.upstreamAddress, enabled: this.enabled, toxics: this.toxicList() };
  }

  private pushToxics(): void {
    const list = this.toxicList();
    for (const link of this.links) link.setToxics(list);
  }

  private accept(client: net.Socket): void {
    if (!this.server) {
      client.destroy();
      return;
    }
    const upstream = parseHostPort(this.upstreamAddress);
    if (!upstream) {
      client.destroy(); // cannot happen: every change validates the address
      return;
    }
    const link = new Link(client, upstream, this.toxicList(), (closed) => this.links.delete(closed));
    this.links.add(link);
  }
}
