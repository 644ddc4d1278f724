import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';

export interface WebResponse {
  status: number;
  body: string;
  contentType?: string;
}

export type WebRoute = (req: IncomingMessage, body: string, url: URL) => WebResponse | Promise<WebResponse>;

/** Routes keyed by "METHOD /path" (e.g. "GET /metrics"). */
export type WebRoutes = ReadonlyMap<string, WebRoute>;

export interface WebServer {
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;

export function json(status: number, value: unknown): WebResponse {
  return { status, body: JSON.stringify(value, null, 2) + '\n', contentType: 'application/json' };
}

/**
 * The daemons' HTTP side (Impala's webserver on --webserver_port): /healthz, /metrics and JSON
 * pages. A route that throws answers 500 with the message; it never takes the daemon down.
 */
export async function startWebServer(opts: { host: string; port: number; routes: WebRoutes; log: Logger }): Promise<WebServer> {
  const server: Server = createServer((req, res) => void handle(req, res, opts));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host || undefined, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: { routes: WebRoutes; log: Logger }): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = opts.routes.get(`${req.method ?? 'GET'} ${url.pathname}`);
  let out: WebResponse;
  try {
    const body = await readBody(req);
    if (route) {
      out = await route(req, body, url);
    } else {
      const known = [...opts.routes.keys()].filter((k) => k.endsWith(` ${url.pathname}`));
      out = known.length > 0
        ? json(405, { error: `method ${req.method} not allowed on ${url.pathname}`, allowed: known })
        : json(404, { error: `no page ${url.pathname}`, pages: [...opts.routes.keys()] });
    }
  } catch (err) {
    const status = err instanceof BodyTooLarge ? 413 : 500;
    opts.log.warn({ err, path: url.pathname }, 'web request failed');
    out = json(status, { error: err instanceof Error ? err.message : String(err) });
  }
  const headers: Record<string, string> = { 'content-type': out.contentType ?? 'text/plain; charset=utf-8' };
  // The rest of an oversized body is never read: close the connection once the answer is out.
  if (out.status === 413) headers['connection'] = 'close';
  res.writeHead(out.status, headers);
  res.end(out.body);
}

class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        // Stop reading but keep the socket, so the client still gets the 413.
        req.pause();
        req.removeAllListeners('data');
        reject(new BodyTooLarge(`request body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
