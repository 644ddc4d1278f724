/**
 * The named proxies of one server (toxiproxy's collection.go): add with 409 on a duplicate,
 * populate = create-or-replace a list, reset = every proxy enabled and without toxics.
 */
import { badRequestBody, missingField, proxyAlreadyExists, proxyNotFound } from './api-error';
import { TcpProxy } from './tcp-proxy';

export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/**
 * An omitted `listen` binds a free port on loopback. (toxiproxy would take every interface;
 * the harness never exposes proxies off the machine.)
 */
const DEFAULT_LISTEN = '127.0.0.1:0';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates one proxy body; `where` names it in errors as toxiproxy does ("name at proxy 2"). */
export function parseProxyInput(body: unknown, where = ''): ProxyInput {
  if (!isRecord(body)) throw badRequestBody('expected a JSON object');
  const { name, listen = DEFAULT_LISTEN, upstream, enabled = true } = body;
  if (typeof name !== 'string' || name.length === 0) throw missingField(`name${where}`);
  if (typeof upstream !== 'string' || upstream.length === 0) throw missingField(`upstream${where}`);
  if (typeof listen !== 'string') throw badRequestBody('listen must be a string');
  if (typeof enabled !== 'boolean') throw badRequestBody('enabled must be a boolean');
  return { name, listen: listen || DEFAULT_LISTEN, upstream, enabled };
}

export class ProxyCollection {
  private readonly proxies = new Map<string, TcpProxy>();

  list(): TcpProxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): TcpProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  }

  async add(input: ProxyInput): Promise<TcpProxy> {
    if (this.proxies.has(input.name)) throw proxyAlreadyExists();
    const proxy = new TcpProxy(input.name, input.listen, input.upstream);
    // Reserve the name before the await so two concurrent creates cannot both win.
    this.proxies.set(input.name, proxy);
    try {
      if (input.enabled) await proxy.start();
    } catch (error) {
      this.proxies.delete(input.name);
      throw error;
    }
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /**
   * Checks every entry before creating any (collection.go PopulateJson), then creates each,
   * keeping an existing proxy (and its toxics) whose listen and upstream are unchanged.
   */
  async populate(body: unknown): Promise<TcpProxy[]> {
    if (!Array.isArray(body)) throw badRequestBody('expected a JSON array of proxies');
    const inputs = body.map((entry, i) => parseProxyInput(entry, ` at proxy ${i + 1}`));
    const result: TcpProxy[] = [];
    for (const input of inputs) {
      const existing = this.proxies.get(input.name);
      if (existing && existing.listen === input.listen && existing.upstream === input.upstream) {
        await existing.update({ enabled: input.enabled });
        result.push(existing);
        continue;
      }
      if (existing) await this.remove(input.name);
      result.push(await this.add(input));
    }
    return result;
  }

  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      proxy.removeAllToxics();
      await proxy.update({ enabled: true });
    }
  }

  async closeAll(): Promise<void> {
    const all = this.list();
    this.proxies.clear();
    await Promise.all(all.map((proxy) => proxy.stop()));
  }
}
