/**
 * Toxiproxy's HTTP API (Shopify/toxiproxy 2.12.0 api.go routes) over a ProxyCollection: status
 * codes, JSON shapes, error bodies and headers as the Go server sends them (errors are JSON sent
 * as text/plain by Go's http.Error, an unknown path is "404 page not found", a wrong method an
 * empty 405, a browser's User-Agent a 403), so toxiproxy-node-client and the Go/Ruby clients
 * work unchanged. The routes no chaos suite uses answer 501 (api-error.ts notImplemented).
 */
import * as http from 'node:http';
import { ToxiproxyApiError, badRequestBody, notImplemented } from './api-error';
import { ProxyCollection, parseProxyInput } from './proxy-collection';
import { TOXIPROXY_VERSION_STRING } from './version';
import type { ProxyJson } from './tcp-proxy';

type Reply = { status: number; json: unknown } | { status: number; text: string; contentType?: string };

type Handler = (params: readonly string[], body: () => Promise<unknown>) => Promise<Reply> | Reply;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

const MAX_BODY_BYTES = 1 << 20;
const NO_CONTENT: Reply = { status: 204, text: '' };

/** The body as JSON; undefined when empty (Go's decoder then fails with EOF). */
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
      if (text.length === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (cause) {
        reject(badRequestBody(cause instanceof Error ? cause.message : String(cause)));
      }
    });
  });
}

export class ToxiproxyApi {
  private readonly routes: readonly Route[];

  constructor(readonly proxies: ProxyCollection = new ProxyCollection()) {
    const p = this.proxies;
    const json = (body: unknown, status = 200): Reply => ({ status, json: body });
    const name = (params: readonly string[], i: number): string => decodeURIComponent(params[i] ?? '');
    const routes: [string[], RegExp, Handler][] = [
      [['GET'], /^\/version$/, () => ({ status: 200, text: `{"version": "${TOXIPROXY_VERSION_STRING}"}\n`, contentType: 'application/json;charset=utf-8' })],
      [['POST'], /^\/reset$/, () => (p.reset(), NO_CONTENT)],
      [['POST'], /^\/populate$/, () => {
        throw notImplemented('POST /populate');
      }],
      [['GET'], /^\/proxies$/, () => json(Object.fromEntries(p.list().map((x) => [x.name, x.toJSON()] as [string, ProxyJson])))],
      [['POST'], /^\/proxies$/, async (_, body) => json((await p.add(parseProxyInput(await body()))).toJSON(), 201)],
      [['GET'], /^\/proxies\/([^/]+)$/, (m) => json(p.get(name(m, 1)).toJSON())],
      [['POST', 'PATCH'], /^\/proxies\/([^/]+)$/, (m) => {
        p.get(name(m, 1));
        throw notImplemented('updating a proxy (enable, disable, listen, upstream)');
      }],
      [['DELETE'], /^\/proxies\/([^/]+)$/, async (m) => (await p.remove(name(m, 1)), NO_CONTENT)],
      [['GET'], /^\/proxies\/([^/]+)\/toxics$/, (m) => json(p.get(name(m, 1)).toxicList())],
      [['POST'], /^\/proxies\/([^/]+)\/toxics$/, async (m, body) => {
        const proxy = p.get(name(m, 1));
        return json(proxy.addToxic(await body()));
      }],
      [['GET'], /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/, (m) => json(p.get(name(m, 1)).getToxic(name(m, 2)))],
      [['POST', 'PATCH'], /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/, (m) => {
        p.get(name(m, 1)).getToxic(name(m, 2));
        throw notImplemented('updating a toxic (remove it and add it again)');
      }],
      [['DELETE'], /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/, (m) => (p.get(name(m, 1)).removeToxic(name(m, 2)), NO_CONTENT)],
    ];
    this.routes = routes.flatMap(([methods, pattern, handler]) => methods.map((method) => ({ method, pattern, handler })));
  }

  /** The node:http request listener. */
  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void this.dispatch(req).then((reply) => {
      req.resume();
      if ('json' in reply) {
        const text = JSON.stringify(reply.json);
        res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
        return;
      }
      const headers: Record<string, string | number> = { 'Content-Length': Buffer.byteLength(reply.text) };
      if (reply.contentType) headers['Content-Type'] = reply.contentType;
      res.writeHead(reply.status, headers).end(reply.text);
    });
  };

  private async dispatch(req: http.IncomingMessage): Promise<Reply> {
    // api.go stopBrowsersMiddleware: a web page must not drive the API from a browser (CSRF).
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) return plainError(403, 'User agent not allowed');
    const path = new URL(req.url ?? '/', 'http://toxiproxy').pathname;
    const pathMatches = this.routes.filter((route) => route.pattern.test(path));
    const route = pathMatches.find((candidate) => candidate.method === req.method);
    // gorilla/mux: an empty 405 for a known path, net/http's plain-text 404 otherwise.
    if (!route) return pathMatches.length > 0 ? { status: 405, text: '' } : plainError(404, '404 page not found');
    try {
      return await route.handler(route.pattern.exec(path) ?? [], () => readJson(req));
    } catch (error) {
      const apiError = error instanceof ToxiproxyApiError ? error : new ToxiproxyApiError(error instanceof Error ? error.message : String(error), 500, { cause: error });
      return plainError(apiError.status, JSON.stringify(apiError.toJSON()));
    }
  }
}

/** Go's http.Error: the text plus a newline, as text/plain (api.go sends its JSON errors this way). */
function plainError(status: number, text: string): Reply {
  return { status, text: `${text}\n`, contentType: 'text/plain; charset=utf-8' };
}
