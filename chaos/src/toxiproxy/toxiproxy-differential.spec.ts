/**
 * The differential spec: one set of compatibility assertions (API, status codes, errors, headers,
 * and each toxic's effect on real TCP connections), run against our stand-in and, whenever it is
 * found (`TOXIPROXY_SERVER_BIN`, else `toxiproxy-server` on PATH; .ci/run points at the prebuilt
 * 2.12.0), against Shopify's toxiproxy-server itself. The expectations are what the real server
 * does; where ours deliberately differs, the case is in DOCUMENTED_DIFFERENCES below, asserted
 * for each server, and in the table of chaos/README.md (checked by the last test).
 * Driven with toxiproxy-node-client 4.1, as the chaos suites drive it; timing margins are wide
 * enough for a loaded 2-core CI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { ICreateToxicBody, Proxy } from 'toxiproxy-node-client';
import { connectProbe, startEchoServer } from './tcp-probe';
import { findToxiproxyServerBinary } from './toxiproxy-binary';
import { ToxiproxyServerHandle } from './toxiproxy-server-handle';
import type { EchoServer, ProbeClient } from './tcp-probe';
import type { ToxiproxyIdentity } from './detect-toxiproxy';

jest.setTimeout(30_000);

interface Target {
  readonly label: string;
  readonly kind: ToxiproxyIdentity['kind'];
  start(): Promise<ToxiproxyServerHandle>;
}

const binary = findToxiproxyServerBinary();
const TARGETS: Target[] = [
  { label: 'our stand-in', kind: 'statestore-ha', start: () => ToxiproxyServerHandle.start({ mode: 'in-process', env: {} }) },
  ...(binary ? [{ label: `Shopify toxiproxy-server (${binary})`, kind: 'shopify' as const, start: () => ToxiproxyServerHandle.start({ mode: 'binary' }) }] : []),
];
if (!binary) process.stderr.write('toxiproxy-differential.spec: no toxiproxy-server (TOXIPROXY_SERVER_BIN or PATH): only our stand-in is checked\n');

interface Raw {
  status: number;
  contentType: string | null;
  text: string;
  headers: Headers;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One server under test, with an echo upstream and helpers; proxies are removed after each test. */
function useServer(target: Target): {
  readonly client: Toxiproxy;
  readonly echo: EchoServer;
  raw(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Raw>;
  echoProxy(options?: { upstream?: string }): Promise<{ proxy: Proxy; port: number }>;
  connected(port: number): Promise<ProbeClient>;
} {
  let handle: ToxiproxyServerHandle;
  let client: Toxiproxy;
  let echo: EchoServer;
  let seq = 0;
  beforeAll(async () => {
    handle = await target.start();
    client = handle.client();
    echo = await startEchoServer();
  });
  afterAll(async () => {
    await handle.stop();
    await echo.close();
  });
  afterEach(async () => {
    for (const proxy of Object.values(await client.getAll())) await proxy.remove();
  });
  return {
    get client() {
      return client;
    },
    get echo() {
      return echo;
    },
    async raw(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const res = await fetch(`${handle.url}${path}`, init);
      return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text(), headers: res.headers };
    },
    /**
     * A connection whose links run: the kernel completes a client's connect before toxiproxy
     * has accepted it, dialled the upstream and started the links with the toxics of that
     * moment, so a toxic change right after connectProbe can race the start under load.
     */
    async connected(port) {
      const before = echo.sockets.size;
      const probe = await connectProbe(port);
      for (let waited = 0; echo.sockets.size === before && waited < 3000; waited += 10) await sleep(10);
      await sleep(100); // the links start right after the upstream dial
      return probe;
    },
    async echoProxy(options = {}) {
      seq += 1;
      const proxy = await client.createProxy({ name: `echo${seq}`, listen: '127.0.0.1:0', upstream: options.upstream ?? `127.0.0.1:${echo.port}` });
      return { proxy, port: Number(proxy.listen.split(':').pop()) };
    },
  };
}

function toxic(body: { type: string; stream?: string; name?: string; toxicity?: number; attributes: Record<string, number> }): ICreateToxicBody<unknown> {
  return { name: `${body.type}_${body.stream ?? 'downstream'}`, stream: 'downstream', toxicity: 1, ...body } as ICreateToxicBody<unknown>;
}

/** Go's http.Error: the JSON error, a newline, as text/plain. */
function apiError(status: number, error: string | RegExp): object {
  return { status, contentType: 'text/plain; charset=utf-8', text: typeof error === 'string' ? `${JSON.stringify({ error, status })}\n` : expect.stringMatching(error) };
}

async function echoes(probe: ProbeClient, bytes: string, total: number): Promise<void> {
  probe.socket.write(bytes);
  await probe.waitForBytes(total, 3000);
}

type Check = (kind: ToxiproxyIdentity['kind'], on: { raw: ReturnType<typeof useServer>['raw']; proxyName: string }) => Promise<void>;

/** Where ours deliberately differs, each asserted for both servers; the ids are rows of chaos/README.md. */
const DOCUMENTED_DIFFERENCES: readonly { id: string; check: Check }[] = [
  {
    id: 'version',
    check: async (kind, { raw }) => {
      const { version } = JSON.parse((await raw('GET', '/version')).text) as { version: string };
      expect(version).toMatch(kind === 'shopify' ? /^\d+\.\d+\.\d+$/ : /^statestore-ha-toxiproxy \d+\.\d+\.\d+$/);
    },
  },
  {
    id: 'populate',
    check: async (kind, { raw }) => {
      const reply = await raw('POST', '/populate', [{ name: 'pop', listen: '127.0.0.1:0', upstream: 'x:1' }]);
      if (kind === 'shopify') expect(reply.status).toBe(201);
      else expect(reply).toMatchObject(apiError(501, /^\{"error":"POST \/populate is not implemented by statestore-ha-toxiproxy.*","status":501\}\n$/));
    },
  },
  {
    id: 'proxy-update',
    check: async (kind, { raw, proxyName }) => {
      for (const method of ['POST', 'PATCH']) {
        const reply = await raw(method, `/proxies/${proxyName}`, { enabled: true });
        if (kind === 'shopify') expect(reply.status).toBe(200);
        else expect(reply).toMatchObject(apiError(501, /not implemented/));
      }
      expect((await raw('PATCH', '/proxies/nope', { enabled: true })).status).toBe(404);
    },
  },
  {
    id: 'disabled-create',
    check: async (kind, { raw }) => {
      const reply = await raw('POST', '/proxies', { name: 'off', listen: '127.0.0.1:0', upstream: 'x:1', enabled: false });
      if (kind === 'shopify') expect(JSON.parse(reply.text)).toMatchObject({ enabled: false });
      else expect(reply).toMatchObject(apiError(501, /creating a disabled proxy is not implemented/));
    },
  },
  {
    id: 'toxic-update',
    check: async (kind, { raw, proxyName }) => {
      await raw('POST', `/proxies/${proxyName}/toxics`, { type: 'latency', attributes: { latency: 1 } });
      const reply = await raw('PATCH', `/proxies/${proxyName}/toxics/latency_downstream`, { attributes: { latency: 2 } });
      if (kind === 'shopify') expect(JSON.parse(reply.text)).toMatchObject({ attributes: { latency: 2 } });
      else expect(reply).toMatchObject(apiError(501, /updating a toxic .*not implemented/));
    },
  },
  {
    id: 'other-toxics',
    check: async (kind, { raw, proxyName }) => {
      for (const type of ['bandwidth', 'slow_close', 'limit_data', 'slicer']) {
        const reply = await raw('POST', `/proxies/${proxyName}/toxics`, { type });
        if (kind === 'shopify') expect(reply.status).toBe(200);
        else expect(reply).toMatchObject(apiError(501, new RegExp(`toxic type ${type} \\(supported: latency, timeout, reset_peer, noop\\) is not implemented`)));
      }
    },
  },
  {
    id: 'logger-field',
    check: async (kind, { raw, proxyName }) => {
      const shown = JSON.parse((await raw('GET', `/proxies/${proxyName}`)).text) as Record<string, unknown>;
      if (kind === 'shopify') expect(shown['Logger']).toEqual({});
      else expect(Object.keys(shown).sort()).toEqual(['enabled', 'listen', 'name', 'toxics', 'upstream']);
    },
  },
  {
    id: 'request-id',
    check: async (kind, { raw }) => {
      const id = (await raw('GET', '/version')).headers.get('x-toxiproxy-request-id');
      if (kind === 'shopify') expect(id).toMatch(/^\w{20}$/);
      else expect(id).toBeNull();
    },
  },
  {
    id: 'decoder-messages',
    check: async (kind, { raw, proxyName }) => {
      const typed = await raw('POST', `/proxies/${proxyName}/toxics`, { type: 'latency', name: 'typed', attributes: { latency: 'x' } });
      expect(typed.status).toBe(400);
      expect(typed.text).toContain(kind === 'shopify' ? 'json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64' : 'latency must be an integer');
    },
  },
  {
    id: 'trailing-body',
    check: async (kind, { raw }) => {
      const reply = await raw('POST', '/proxies', '{"name": "trailing", "listen": "127.0.0.1:0", "upstream": "x:1"} and more');
      expect(reply.status).toBe(kind === 'shopify' ? 201 : 400);
    },
  },
];

describe.each(TARGETS)('$label', (target) => {
  const s = useServer(target);

  describe('API', () => {
    it('/version answers JSON that tells which server it is', async () => {
      const version = await s.raw('GET', '/version');
      expect(version).toMatchObject({ status: 200, contentType: 'application/json;charset=utf-8', text: expect.stringMatching(/^\{"version": "[^"]+"\}\n$/) });
    });

    it('creates, lists, shows and deletes proxies; a deleted proxy refuses connections', async () => {
      const { proxy, port } = await s.echoProxy();
      expect(proxy).toMatchObject({ enabled: true, listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${s.echo.port}` });
      expect(Object.keys(await s.client.getAll())).toEqual([proxy.name]);
      expect((await s.client.get(proxy.name)).toJson()).toEqual(proxy.toJson());
      expect(await s.raw('GET', `/proxies/${proxy.name}`)).toMatchObject({ status: 200, contentType: 'application/json' });
      expect(await s.raw('DELETE', `/proxies/${proxy.name}`)).toMatchObject({ status: 204, text: '' });
      expect(await s.client.getAll()).toEqual({});
      await expect(connectProbe(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(await s.raw('DELETE', `/proxies/${proxy.name}`)).toMatchObject(apiError(404, 'proxy not found'));
    });

    it('reports the bound listen address: a name resolved, an empty host as every interface', async () => {
      const named = await s.client.createProxy({ name: 'named', listen: 'localhost:0', upstream: 'x:1' });
      expect(named.listen).toMatch(/^127\.0\.0\.1:\d+$/);
      const every = await s.client.createProxy({ name: 'every', listen: ':0', upstream: 'x:1' });
      expect(every.listen).toMatch(/^\[::\]:\d+$/);
      const omitted = await s.raw('POST', '/proxies', { name: 'omitted', upstream: 'x:1' });
      expect(omitted.status).toBe(201);
      expect(JSON.parse(omitted.text)).toMatchObject({ listen: expect.stringMatching(/^\[::\]:\d+$/) });
    });

    it('answers a listen it cannot bind with 500, and checks the upstream only when a client connects', async () => {
      expect(await s.raw('POST', '/proxies', { name: 'noport', listen: '127.0.0.1', upstream: 'x:1' })).toMatchObject(apiError(500, /^\{"error":"listen tcp.*127\.0\.0\.1.*","status":500\}\n$/));
      expect(await s.raw('POST', '/proxies', { name: 'foreign', listen: '192.0.2.1:0', upstream: 'x:1' })).toMatchObject(apiError(500, /^\{"error":"listen tcp 192\.0\.2\.1:0: .*","status":500\}\n$/));
      const nonsense = await s.echoProxy({ upstream: 'nonsense' });
      const refused = await s.echoProxy({ upstream: '127.0.0.1:9' });
      for (const { port } of [nonsense, refused]) {
        const probe = await connectProbe(port);
        expect(await probe.waitForEnd(3000)).toEqual({ kind: 'fin' }); // proxy.go closes the client
        probe.close();
      }
    });

    it('answers bad requests with its status codes and messages', async () => {
      const { proxy } = await s.echoProxy();
      const p = `/proxies/${proxy.name}`;
      expect(await s.raw('POST', '/proxies', { name: proxy.name, upstream: proxy.upstream })).toMatchObject(apiError(409, 'proxy already exists'));
      expect(await s.raw('GET', '/proxies/nope')).toMatchObject(apiError(404, 'proxy not found'));
      expect(await s.raw('GET', `${p}/toxics/nope`)).toMatchObject(apiError(404, 'toxic not found'));
      expect(await s.raw('DELETE', `${p}/toxics/nope`)).toMatchObject(apiError(404, 'toxic not found'));
      expect(await s.raw('POST', '/proxies', { upstream: 'x:1' })).toMatchObject(apiError(400, 'missing required field: name'));
      expect(await s.raw('POST', '/proxies', { name: 'x' })).toMatchObject(apiError(400, 'missing required field: upstream'));
      expect(await s.raw('POST', '/proxies', { name: 5 })).toMatchObject(apiError(400, /^\{"error":"bad request body: .*","status":400\}\n$/));
      expect(await s.raw('POST', '/proxies', [])).toMatchObject(apiError(400, /^\{"error":"bad request body: .*","status":400\}\n$/));
      expect(await s.raw('POST', '/proxies', '')).toMatchObject(apiError(400, 'bad request body: EOF'));
      expect(await s.raw('POST', `${p}/toxics`, '')).toMatchObject(apiError(400, 'bad request body: EOF'));
      expect(await s.raw('POST', `${p}/toxics`, 'garbage')).toMatchObject(apiError(400, /^\{"error":"bad request body: .*","status":400\}\n$/));
      expect(await s.raw('POST', `${p}/toxics`, { type: 'nonsense' })).toMatchObject(apiError(400, 'invalid toxic type'));
      expect(await s.raw('POST', `${p}/toxics`, { name: 'untyped' })).toMatchObject(apiError(400, 'invalid toxic type'));
      // The stream is checked before the type, and the whole body's JSON kinds before either.
      expect(await s.raw('POST', `${p}/toxics`, { type: 'nonsense', stream: 'sideways' })).toMatchObject(apiError(400, 'stream was invalid, can be either upstream or downstream'));
      expect(await s.raw('POST', `${p}/toxics`, { type: 'latency', stream: '' })).toMatchObject(apiError(400, 'stream was invalid, can be either upstream or downstream'));
      expect(await s.raw('POST', `${p}/toxics`, { type: 'nonsense', stream: 'sideways', attributes: 5 })).toMatchObject(apiError(400, /^\{"error":"bad request body: .*","status":400\}\n$/));
      expect(await s.raw('POST', `${p}/toxics`, { type: 'latency', toxicity: 'high' })).toMatchObject(apiError(400, /^\{"error":"bad request body: .*","status":400\}\n$/));
      expect(await s.raw('POST', `${p}/toxics`, { type: 'latency', attributes: { latency: 1.5 } })).toMatchObject(apiError(400, /^\{"error":"bad request body: .*latency.*","status":400\}\n$/));
      await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 1 } }));
      // A taken name is checked before the attributes are read.
      expect(await s.raw('POST', `${p}/toxics`, { type: 'latency', attributes: { latency: 'x' } })).toMatchObject(apiError(409, 'toxic already exists'));
      expect(await s.raw('POST', `${p}/toxics`, { type: 'timeout', name: 'latency_downstream' })).toMatchObject(apiError(409, 'toxic already exists'));
    });

    it('routes as gorilla/mux and net/http: plain 404, empty 405, no trailing slash, 403 for browsers', async () => {
      expect(await s.raw('GET', '/nothing')).toMatchObject({ status: 404, contentType: 'text/plain; charset=utf-8', text: '404 page not found\n' });
      expect(await s.raw('GET', '/proxies/')).toMatchObject({ status: 404, text: '404 page not found\n' });
      expect(await s.raw('PUT', '/proxies')).toMatchObject({ status: 405, text: '' });
      expect(await s.raw('DELETE', '/version')).toMatchObject({ status: 405, text: '' });
      expect(await s.raw('GET', '/version', undefined, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' })).toMatchObject({ status: 403, text: 'User agent not allowed\n' });
    });

    it('fills toxic defaults, accepts what Go accepts, and lists upstream toxics first', async () => {
      const { proxy } = await s.echoProxy();
      const p = `/proxies/${proxy.name}`;
      const created = await s.raw('POST', `${p}/toxics`, { type: 'latency', attributes: { latency: 5 } });
      expect(created).toMatchObject({ status: 200, contentType: 'application/json' });
      expect(JSON.parse(created.text)).toEqual({ name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 0 } });
      const upper = JSON.parse((await s.raw('POST', `${p}/toxics`, { type: 'timeout', stream: 'UPSTREAM', attributes: { timeout: -5, bogus: 1 } })).text);
      expect(upper).toEqual({ name: 'timeout_UPSTREAM', type: 'timeout', stream: 'UPSTREAM', toxicity: 1, attributes: { timeout: -5 } });
      const odd = JSON.parse((await s.raw('POST', `${p}/toxics`, { type: 'reset_peer', name: 'odd', toxicity: 2, stream: null, attributes: null })).text);
      expect(odd).toEqual({ name: 'odd', type: 'reset_peer', stream: 'downstream', toxicity: 2, attributes: { timeout: 0 } });
      const noop = JSON.parse((await s.raw('POST', `${p}/toxics`, { type: 'noop', stream: 'upstream' })).text);
      expect(noop).toEqual({ name: 'noop_upstream', type: 'noop', stream: 'upstream', toxicity: 1, attributes: {} });
      expect(JSON.parse((await s.raw('GET', `${p}/toxics`)).text).map((t: { name: string }) => t.name)).toEqual(['timeout_UPSTREAM', 'noop_upstream', 'latency_downstream', 'odd']);
      expect(JSON.parse((await s.raw('GET', `${p}/toxics/odd`)).text)).toEqual(odd);
      expect(await s.raw('DELETE', `${p}/toxics/odd`)).toMatchObject({ status: 204, text: '' });
    });

    it('reset removes every toxic and keeps the proxies', async () => {
      const { proxy, port } = await s.echoProxy();
      await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 1000 } }));
      expect(await s.raw('POST', '/reset')).toMatchObject({ status: 204, text: '' });
      expect(JSON.parse((await s.raw('GET', `/proxies/${proxy.name}/toxics`)).text)).toEqual([]);
      const probe = await connectProbe(port);
      const started = performance.now();
      await echoes(probe, 'hello', 5);
      expect(performance.now() - started).toBeLessThan(900);
      probe.close();
    });
  });

  describe('faults on real TCP', () => {
    it('forwards bytes both ways', async () => {
      const { port } = await s.echoProxy();
      const probe = await connectProbe(port);
      await echoes(probe, 'x'.repeat(100_000), 100_000);
      probe.close();
    });

    it('latency delays each reply by the latency, jitter within its bound', async () => {
      const { proxy, port } = await s.echoProxy();
      await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 300, jitter: 100 } }));
      const probe = await connectProbe(port);
      for (let i = 1; i <= 3; i++) {
        const started = performance.now();
        await echoes(probe, 'p', i);
        const elapsed = performance.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(195);
        expect(elapsed).toBeLessThan(1500);
      }
      probe.close();
    });

    it('removing a latency toxic releases the data it holds at once', async () => {
      const { proxy, port } = await s.echoProxy();
      await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 5000 } }));
      const probe = await connectProbe(port);
      const started = performance.now();
      probe.socket.write('held');
      await sleep(300);
      await (await proxy.getToxic('latency_downstream')).remove();
      await probe.waitForBytes(4, 3000);
      expect(performance.now() - started).toBeLessThan(2500);
      probe.close();
    });

    it('timeout=0 on both streams black-holes data and holds the connection; removing it closes the connection', async () => {
      const { proxy, port } = await s.echoProxy();
      const probe = await connectProbe(port);
      await echoes(probe, 'a', 1);
      const before = s.echo.received();
      const up = await proxy.addToxic(toxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }));
      await proxy.addToxic(toxic({ type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } }));
      probe.socket.write('bbbb');
      expect(await probe.waitForEnd(1000)).toEqual({ kind: 'open' });
      expect(s.echo.received()).toBe(before); // dropped upstream
      await up.remove(); // timeout.go Cleanup closes the stream it was on; the other side follows
      expect(await probe.waitForEnd(2000)).toEqual({ kind: 'fin' });
      expect(probe.received()).toBe(1);
      const fresh = await connectProbe(port); // new connections meet the remaining downstream timeout
      fresh.socket.write('c');
      await sleep(300);
      expect(fresh.received()).toBe(0);
      fresh.close();
    });

    it('removing a timeout toxic closes connections even where toxicity skipped it, and /reset does too', async () => {
      const { proxy, port } = await s.echoProxy();
      const probe = await connectProbe(port);
      const skipped = await proxy.addToxic(toxic({ type: 'timeout', stream: 'upstream', toxicity: 0, attributes: { timeout: 0 } }));
      await echoes(probe, 'flows', 5);
      await skipped.remove();
      expect(await probe.waitForEnd(2000)).toEqual({ kind: 'fin' });
      const held = await s.connected(port); // or the reset may come before the links exist
      await proxy.addToxic(toxic({ type: 'timeout', attributes: { timeout: 0 } }));
      await s.client.reset();
      expect(await held.waitForEnd(2000)).toEqual({ kind: 'fin' });
    });

    it('timeout>0 closes the connection once no data came for that long; data keeps restarting it', async () => {
      const { proxy, port } = await s.echoProxy();
      const idle = await connectProbe(port);
      const chatty = await connectProbe(port);
      const started = performance.now();
      await proxy.addToxic(toxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 400 } }));
      const talking = setInterval(() => chatty.socket.write('.'), 100);
      try {
        expect(await idle.waitForEnd(3000)).toEqual({ kind: 'fin' });
        expect(performance.now() - started).toBeGreaterThanOrEqual(350);
        await sleep(800);
        expect(chatty.end()).toEqual({ kind: 'open' }); // timeout.go restarts time.After on every chunk
      } finally {
        clearInterval(talking);
      }
      const stoppedAt = performance.now();
      expect(await chatty.waitForEnd(3000)).toEqual({ kind: 'fin' });
      expect(performance.now() - stoppedAt).toBeGreaterThanOrEqual(250);
      expect(chatty.received()).toBe(0);
    });

    it('reset_peer present at connect resets the connection with an RST on the first data', async () => {
      const { proxy, port } = await s.echoProxy();
      await proxy.addToxic(toxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 200 } }));
      const probe = await connectProbe(port);
      const started = performance.now();
      probe.socket.write('x');
      expect(await probe.waitForEnd(3000)).toEqual({ kind: 'error', code: 'ECONNRESET' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);
      expect(probe.received()).toBe(0);
    });

    it('reset_peer added to an open connection closes it with a FIN (SO_LINGER 0 is set only at connect)', async () => {
      const { proxy, port } = await s.echoProxy();
      const probe = await connectProbe(port);
      await echoes(probe, 'a', 1);
      await proxy.addToxic(toxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } }));
      probe.socket.write('b');
      expect(await probe.waitForEnd(3000)).toEqual({ kind: 'fin' });
      expect(probe.received()).toBe(1);
    });

    it('a connection made while reset_peer was present closes with an RST even after the toxic is gone', async () => {
      const { proxy, port } = await s.echoProxy();
      const reset = await proxy.addToxic(toxic({ type: 'reset_peer', attributes: { timeout: 0 } }));
      const probe = await s.connected(port); // SO_LINGER 0 is set when the links start
      await reset.remove();
      await echoes(probe, 'ok', 2);
      for (const socket of s.echo.sockets) socket.end(); // an orderly close upstream
      expect(await probe.waitForEnd(3000)).toEqual({ kind: 'error', code: 'ECONNRESET' });
    });

    it('a toxic on upstream only cuts one direction', async () => {
      const pusher = await startEchoServer({ echo: false });
      try {
        const proxy = await s.client.createProxy({ name: 'oneway', listen: '127.0.0.1:0', upstream: `127.0.0.1:${pusher.port}` });
        const probe = await connectProbe(Number(proxy.listen.split(':').pop()));
        await proxy.addToxic(toxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }));
        probe.socket.write('client->server');
        await sleep(300);
        expect(pusher.received()).toBe(0);
        for (const socket of pusher.sockets) socket.write('server->client');
        await probe.waitForBytes('server->client'.length, 2000);
        probe.close();
      } finally {
        await pusher.close();
      }
    });

    it('toxicity 0 leaves connections untouched', async () => {
      const { proxy, port } = await s.echoProxy();
      await proxy.addToxic(toxic({ type: 'timeout', toxicity: 0, attributes: { timeout: 0 } }));
      const probe = await connectProbe(port);
      await echoes(probe, 'ok', 2);
      probe.close();
    });

    it('has no half-close: a client FIN closes the whole connection and the reply is lost', async () => {
      const { port } = await s.echoProxy();
      const probe = await connectProbe(port);
      probe.socket.end('hello');
      expect(await probe.waitForEnd(3000)).toEqual({ kind: 'fin' });
      expect(probe.received()).toBe(0);
    });

    it('passes an orderly close from the server on as a FIN', async () => {
      const { port } = await s.echoProxy();
      const probe = await connectProbe(port);
      await echoes(probe, 'a', 1);
      for (const socket of s.echo.sockets) socket.end();
      expect(await probe.waitForEnd(3000)).toEqual({ kind: 'fin' });
    });

    it('deleting a proxy closes its open connections with a FIN', async () => {
      const { proxy, port } = await s.echoProxy();
      const probe = await connectProbe(port);
      await echoes(probe, 'a', 1);
      await proxy.remove();
      expect(await probe.waitForEnd(3000)).toEqual({ kind: 'fin' });
    });
  });

  describe('documented differences (chaos/README.md)', () => {
    it.each(DOCUMENTED_DIFFERENCES.map((d) => [d.id, d] as const))('%s', async (_id, difference) => {
      const { proxy } = await s.echoProxy();
      await difference.check(target.kind, { raw: s.raw, proxyName: proxy.name });
    });
  });
});

describe('chaos/README.md', () => {
  it('has a row for every documented difference', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const { id } of DOCUMENTED_DIFFERENCES) expect(readme).toMatch(new RegExp(`^\\| \`${id}\` \\|`, 'm'));
  });
});
