/**
 * The named proxies of one server (toxiproxy's proxy_collection.go): add with 409 on a
 * duplicate, remove, and reset = every proxy without toxics.
 */
import { badRequestBody, missingField, notImplemented, proxyAlreadyExists, proxyNotFound } from './api-error';
import { TcpProxy } from './tcp-proxy';

export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw badRequestBody(`${key} must be a string`);
  return value;
}

/** Body of `POST /proxies`, checked in api.go ProxyCreate's order. */
export function parseProxyInput(body: unknown): ProxyInput {
  if (!isRecord(body)) throw badRequestBody(body === undefined ? 'EOF' : 'expected a JSON object');
  const name = optionalString(body, 'name');
  const listen = optionalString(body, 'listen');
  const upstream = optionalString(body, 'upstream');
  const enabled = body['enabled'];
  if (enabled !== undefined && enabled !== null && typeof enabled !== 'boolean') throw badRequestBody('enabled must be a boolean');
  if (name === '') throw missingField('name');
  if (upstream === '') throw missingField('upstream');
  // Toxiproxy creates a disabled proxy that only /reset or an update starts; with no updates here it could never start.
  if (enabled === false) throw notImplemented('creating a disabled proxy');
  return { name, listen, upstream };
}

export class ProxyCollection {
  private readonly proxies = new Map<string, TcpProxy>();
  /** Names being created: a second create of one while the first still listens is a 409 too. */
  private readonly reserved = new Set<string>();

  list(): TcpProxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): TcpProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  }

  async add(input: ProxyInput): Promise<TcpProxy> {
    if (this.proxies.has(input.name) || this.reserved.has(input.name)) throw proxyAlreadyExists();
    this.reserved.add(input.name);
    try {
      const proxy = await TcpProxy.start(input.name, input.listen, input.upstream);
      this.proxies.set(input.name, proxy);
      return proxy;
    } finally {
      this.reserved.delete(input.name);
    }
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  reset(): void {
    for (const proxy of this.proxies.values()) proxy.removeAllToxics();
  }

  async closeAll(): Promise<void> {
    const all = this.list();
    this.proxies.clear();
    await Promise.all(all.map((proxy) => proxy.stop()));
  }
}
