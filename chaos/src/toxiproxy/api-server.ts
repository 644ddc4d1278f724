/**
 * Toxiproxy's HTTP API (Shopify/toxiproxy README "HTTP API", api.go routes) over a
 * ProxyCollection: status codes, JSON shapes and error bodies as the Go server sends them, so
 * `toxiproxy-node-client` and the Go/Ruby clients work unchanged. Updates accept POST (what
 * the clients send) and PATCH (what toxiproxy 2.5+ prefers).
 */
import * as http from 'node:http';
import { ToxiproxyApiError, badRequestBody } from './api-error';
import { ProxyCollection, parseProxyInput } from './proxy-collection';
import { parseToxicSpec } from './toxic';
import { TOXIPROXY_VERSION_STRING } from './version';
import type { ProxyJson } from './tcp-proxy';

interface Reply {
  status: number;
  body?: unknown;
}

type Handler = (params: string[], body: () => Promise<unknown>) => Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const MAX_BODY_BYTES = 1 << 20;

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(badRequestBody('body too large'));
      else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text.length === 0) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch (cause) {
        reject(badRequestBody(cause instanceof Error ? cause.message : String(cause)));
      }
    });
  });
}

export class ToxiproxyApi {
  private readonly routes: Route[];

  constructor(readonly proxies: ProxyCollection = new ProxyCollection()) {
    const p = this.proxies;
    const json = (body: unknown, status = 200): Reply => ({ status, body });
    const noContent: Reply = { status: 204 };
    const name = (params: string[], i: number): string => decodeURIComponent(params[i] ?? '');
    const routes: [string[], RegExp, Handler][] = [
      [['GET'], /^\/version$/, async () => json({ version: TOXIPROXY_VERSION_STRING })],
      [['POST'], /^\/reset$/, async () => (await p.reset(), noContent)],
      [['POST'], /^\/populate$/, async (_, body) => json({ proxies: (await p.populate(await body())).map((x) => x.toJSON()) }, 201)],
      [['GET'], /^\/proxies$/, async () => json(Object.fromEntries(p.list().map((x) => [x.name, x.toJSON()] as [string, ProxyJson])))],
      [['POST'], /^\/proxies$/, async (_, body) => json((await p.add(parseProxyInput(await body()))).toJSON(), 201)],
      [['GET'], /^\/proxies\/([^/]+)$/, async (m) => json(p.get(name(m, 1)).toJSON())],
      [['POST', 'PATCH'], /^\/proxies\/([^/]+)$/, async (m, body) => {
        const proxy = p.get(name(m, 1));
        await proxy.update(parseProxyUpdate(await body()));
        return json(proxy.toJSON());
      }],
      [['DELETE'], /^\/proxies\/([^/]+)$/, async (m) => (await p.remove(name(m, 1)), noContent)],
      [['GET'], /^\/proxies\/([^/]+)\/toxics$/, async (m) => json(p.get(name(m, 1)).toxicList())],
      [['POST'], /^\/proxies\/([^/]+)\/toxics$/, async (m, body) => {
        const proxy = p.get(name(m, 1));
        return json(proxy.addToxic(parseToxicSpec(await body())));
      }],
      [['GET'], /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/, async (m) => json(p.get(name(m, 1)).getToxic(name(m, 2)))],
      [['POST', 'PATCH'], /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/, async (m, body) => {
        const proxy = p.get(name(m, 1));
        return json(proxy.updateToxic(name(m, 2), await body()));
      }],
      [['DELETE'], /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/, async (m) => (p.get(name(m, 1)).removeToxic(name(m, 2)), noContent)],
    ];
    this.routes = routes.flatMap(([methods, pattern, handler]) => methods.map((method) => ({ method, pattern, handler })));
  }

  /** The node:http request listener. */
  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void this.dispatch(req).then((reply) => {
      if (reply.body === undefined) {
        res.writeHead(reply.status).end();
        return;
      }
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
    });
  };

  private async dispatch(req: http.IncomingMessage): Promise<Reply> {
    const path = new URL(req.url ?? '/', 'http://toxiproxy').pathname.replace(/\/+$/, '') || '/';
    const pathMatches = this.routes.filter((route) => route.pattern.test(path));
    const route = pathMatches.find((candidate) => candidate.method === req.method);
    if (!route) {
      req.resume();
      return pathMatches.length > 0
        ? { status: 405, body: { error: 'method not allowed', status: 405 } }
        : { status: 404, body: { error: 'not found', status: 404 } };
    }
    const params = route.pattern.exec(path) ?? [];
    try {
      return await route.handler([...params], () => readJson(req));
    } catch (error) {
      const apiError = error instanceof ToxiproxyApiError ? error : new ToxiproxyApiError(error instanceof Error ? error.message : String(error), 500, { cause: error });
      return { status: apiError.status, body: apiError.toJSON() };
    } finally {
      req.resume();
    }
  }
}

function parseProxyUpdate(body: unknown): { listen?: string; upstream?: string; enabled?: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequestBody('expected a JSON object');
  const { listen, upstream, enabled } = body as Record<string, unknown>;
  if (listen !== undefined && typeof listen !== 'string') throw badRequestBody('listen must be a string');
  if (upstream !== undefined && typeof upstream !== 'string') throw badRequestBody('upstream must be a string');
  if (enabled !== undefined && typeof enabled !== 'boolean') throw badRequestBody('enabled must be a boolean');
  return {
    ...(listen !== undefined ? { listen } : {}),
    ...(upstream !== undefined ? { upstream } : {}),
    ...(enabled !== undefined ? { enabled } : {}),
  };
}
