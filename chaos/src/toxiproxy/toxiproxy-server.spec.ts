/**
 * Our server against toxiproxy's documented behaviour, driven by toxiproxy-node-client 4.1 as
 * the chaos suites drive it. Timing assertions use margins wide enough for a loaded 2-core CI.
 */
import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import type { ICreateToxicBody, Proxy } from 'toxiproxy-node-client';
import { detectToxiproxy } from './detect-toxiproxy';
import { connectProbe, startEchoServer } from './tcp-probe';
import { ToxiproxyServer } from './toxiproxy-server';
import { TOXIPROXY_VERSION_STRING } from './version';
import type { EchoServer } from './tcp-probe';

jest.setTimeout(30_000);

let server: ToxiproxyServer;
let client: Toxiproxy;
let echo: EchoServer;
let seq = 0;

beforeAll(async () => {
  server = await ToxiproxyServer.start({ port: 0 });
  client = new Toxiproxy(server.url);
  echo = await startEchoServer();
});

afterAll(async () => {
  await server.stop();
  await echo.close();
});

afterEach(async () => {
  for (const proxy of Object.values(await client.getAll())) await proxy.remove();
});

async function echoProxy(): Promise<{ proxy: Proxy; port: number }> {
  seq += 1;
  const proxy = await client.createProxy({ name: `echo${seq}`, listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  return { proxy, port: Number(proxy.listen.split(':').pop()) };
}

function toxic<T>(body: Partial<ICreateToxicBody<T>> & Pick<ICreateToxicBody<T>, 'type' | 'attributes'>): ICreateToxicBody<T> {
  return { name: `${body.type}_${body.stream ?? 'downstream'}`, stream: 'downstream', toxicity: 1, ...body } as ICreateToxicBody<T>;
}

async function rawStatus(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('API', () => {
  it('names itself on /version and detectToxiproxy tells it from the real one', async () => {
    expect(JSON.parse(await client.getVersion())).toEqual({ version: TOXIPROXY_VERSION_STRING });
    await expect(detectToxiproxy(server.url)).resolves.toEqual({ kind: 'statestore-ha', version: TOXIPROXY_VERSION_STRING, url: server.url });
  });

  it('creates, lists, shows and deletes proxies', async () => {
    const { proxy, port } = await echoProxy();
    expect(port).toBeGreaterThan(0);
    expect(proxy.enabled).toBe(true);
    const all = await client.getAll();
    expect(Object.keys(all)).toEqual([proxy.name]);
    expect((await client.get(proxy.name)).toJson()).toEqual(proxy.toJson());
    await proxy.remove();
    expect(await client.getAll()).toEqual({});
    await expect(connectProbe(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('answers errors as toxiproxy does: 409 duplicate, 404 unknown, 400 bad input', async () => {
    const { proxy } = await echoProxy();
    await expect(client.createProxy({ name: proxy.name, listen: '127.0.0.1:0', upstream: proxy.upstream })).rejects.toBeInstanceOf(ToxiproxyError);
    expect(await rawStatus('POST', '/proxies', { name: proxy.name, upstream: proxy.upstream })).toEqual({ status: 409, json: { error: 'proxy already exists', status: 409 } });
    expect(await rawStatus('GET', '/proxies/nope')).toEqual({ status: 404, json: { error: 'proxy not found', status: 404 } });
    expect(await rawStatus('GET', `/proxies/${proxy.name}/toxics/nope`)).toEqual({ status: 404, json: { error: 'toxic not found', status: 404 } });
    expect(await rawStatus('DELETE', `/proxies/${proxy.name}/toxics/nope`)).toMatchObject({ status: 404 });
    expect(await rawStatus('POST', '/proxies', { name: 'x' })).toEqual({ status: 400, json: { error: 'missing required field: upstream', status: 400 } });
    expect((await rawStatus('POST', `/proxies/${proxy.name}/toxics`, { type: 'nonsense' })).status).toBe(400);
    expect((await rawStatus('POST', `/proxies/${proxy.name}/toxics`, { type: 'latency', stream: 'sideways' })).status).toBe(400);
    expect((await rawStatus('POST', `/proxies/${proxy.name}/toxics`, { type: 'latency', attributes: { latency: -1 } })).status).toBe(400);
    await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 1 } }));
    expect(await rawStatus('POST', `/proxies/${proxy.name}/toxics`, { type: 'latency' })).toEqual({ status: 409, json: { error: 'toxic already exists', status: 409 } });
  });

  it('fills toxic defaults and updates attributes in place', async () => {
    const { proxy } = await echoProxy();
    const created = await rawStatus('POST', `/proxies/${proxy.name}/toxics`, { type: 'latency', attributes: { latency: 5 } });
    expect(created).toEqual({ status: 200, json: { name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 0 } } });
    const updated = await (await proxy.getToxic('latency_downstream')).update(toxic({ type: 'latency', attributes: { latency: 7, jitter: 2 } }));
    expect(updated.attributes).toEqual({ latency: 7, jitter: 2 });
    expect((await rawStatus('GET', `/proxies/${proxy.name}/toxics`)).json).toHaveLength(1);
  });

  it('populate creates proxies and keeps unchanged ones with their toxics', async () => {
    const first = await client.populate([{ name: 'pop1', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }]);
    const pop1 = first['pop1'];
    if (!pop1) throw new Error('populate did not return pop1');
    await pop1.addToxic(toxic({ type: 'latency', attributes: { latency: 1 } }));
    const second = await client.populate([
      { name: 'pop1', listen: pop1.listen, upstream: pop1.upstream },
      { name: 'pop2', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
    ]);
    expect(Object.keys(second).sort()).toEqual(['pop1', 'pop2']);
    expect(second['pop1']?.listen).toBe(pop1.listen);
    expect((await rawStatus('GET', '/proxies/pop1/toxics')).json).toHaveLength(1);
    expect(await rawStatus('POST', '/populate', [{ name: 'ok', upstream: 'a:1' }, { name: 'bad' }])).toMatchObject({ status: 400 });
    expect(Object.keys(await client.getAll()).sort()).toEqual(['pop1', 'pop2']); // nothing made from a bad list
  });

  it('reset enables every proxy and removes every toxic', async () => {
    const { proxy, port } = await echoProxy();
    await proxy.addToxic(toxic({ type: 'timeout', attributes: { timeout: 0 } }));
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await client.reset();
    const after = await client.get(proxy.name);
    expect(after.enabled).toBe(true);
    expect((await rawStatus('GET', `/proxies/${proxy.name}/toxics`)).json).toEqual([]);
    const probe = await connectProbe(port);
    probe.socket.write('hello');
    await probe.waitForBytes(5, 2000);
    probe.close();
  });
});

describe('faults', () => {
  it('forwards bytes both ways', async () => {
    const { port } = await echoProxy();
    const probe = await connectProbe(port);
    probe.socket.write(Buffer.alloc(100_000, 1));
    await probe.waitForBytes(100_000, 5000);
    probe.close();
  });

  it('disable resets open connections and refuses new ones; enable restores', async () => {
    const { proxy, port } = await echoProxy();
    const probe = await connectProbe(port);
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).toBe(false);
    expect(await probe.waitForEnd(2000)).toEqual({ kind: 'error', code: 'ECONNRESET' });
    await expect(connectProbe(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await disabled.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    const again = await connectProbe(port);
    again.socket.write('x');
    await again.waitForBytes(1, 2000);
    again.close();
  });

  it('latency delays the reply by at least the configured time', async () => {
    const { proxy, port } = await echoProxy();
    await proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 300, jitter: 0 } }));
    const probe = await connectProbe(port);
    const started = performance.now();
    probe.socket.write('ping');
    await probe.waitForBytes(4, 5000);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(2000);
    probe.close();
  });

  it('timeout=0 on both streams black-holes data and holds the connection open until removed', async () => {
    const { proxy, port } = await echoProxy();
    const probe = await connectProbe(port);
    probe.socket.write('a');
    await probe.waitForBytes(1, 2000);
    const before = echo.received();
    const up = await proxy.addToxic(toxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }));
    const down = await proxy.addToxic(toxic({ type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } }));
    probe.socket.write('bbbb');
    expect(await probe.waitForEnd(1000)).toEqual({ kind: 'open' });
    expect(echo.received()).toBe(before); // dropped upstream
    expect(probe.received()).toBe(1);
    await up.remove();
    await down.remove();
    probe.socket.write('cc');
    await probe.waitForBytes(3, 2000); // flows again; the black-holed bytes stay lost
    expect(probe.received()).toBe(3);
    probe.close();
  });

  it('timeout>0 drops data and closes the connection after the time', async () => {
    const { proxy, port } = await echoProxy();
    const probe = await connectProbe(port);
    const started = performance.now();
    await proxy.addToxic(toxic({ type: 'timeout', attributes: { timeout: 300 } }));
    probe.socket.write('lost');
    expect(await probe.waitForEnd(3000)).toEqual({ kind: 'fin' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(probe.received()).toBe(0);
  });

  it('reset_peer resets the connection with an RST', async () => {
    const { proxy, port } = await echoProxy();
    await proxy.addToxic(toxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 100 } }));
    const probe = await connectProbe(port);
    probe.socket.write('x');
    expect(await probe.waitForEnd(3000)).toEqual({ kind: 'error', code: 'ECONNRESET' });
    expect(probe.received()).toBe(0);
  });

  it('bandwidth limits throughput to about the configured rate', async () => {
    const { proxy, port } = await echoProxy();
    const bytes = 200_000;
    await proxy.addToxic(toxic({ type: 'bandwidth', attributes: { rate: 200 } })); // 200 KB/s -> ~1 s
    const probe = await connectProbe(port);
    const started = performance.now();
    probe.socket.write(Buffer.alloc(bytes, 7));
    await probe.waitForBytes(bytes, 10_000);
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(0.85);
    expect(seconds).toBeLessThan(3);
    probe.close();
  });

  it('a toxic on upstream only cuts one direction', async () => {
    const pusher = await startEchoServer({ echo: false });
    try {
      const proxy = await client.createProxy({ name: 'oneway', listen: '127.0.0.1:0', upstream: `127.0.0.1:${pusher.port}` });
      const probe = await connectProbe(Number(proxy.listen.split(':').pop()));
      await proxy.addToxic(toxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }));
      probe.socket.write('client->server');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pusher.received()).toBe(0);
      for (const socket of pusher.sockets) socket.write('server->client');
      await probe.waitForBytes('server->client'.length, 2000);
      probe.close();
    } finally {
      await pusher.close();
    }
  });

  it('limit_data closes after the byte budget; slow_close delays the close', async () => {
    const { proxy, port } = await echoProxy();
    await proxy.addToxic(toxic({ type: 'limit_data', attributes: { bytes: 10 } }));
    const limited = await connectProbe(port);
    limited.socket.write('0123456789abcdef');
    expect(await limited.waitForEnd(3000)).toEqual({ kind: 'fin' });
    expect(limited.received()).toBe(10);
    await (await proxy.getToxic('limit_data_downstream')).remove();

    await proxy.addToxic(toxic({ type: 'slow_close', stream: 'upstream', attributes: { delay: 400 } }));
    const slow = await connectProbe(port);
    const started = performance.now();
    slow.socket.end(); // half-close: the proxy holds the FIN to the server 400 ms, the echo server then closes
    expect(await slow.waitForEnd(3000)).toEqual({ kind: 'fin' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(380);
  });

  it('toxicity 0 leaves connections untouched', async () => {
    const { proxy, port } = await echoProxy();
    await proxy.addToxic(toxic({ type: 'timeout', toxicity: 0, attributes: { timeout: 0 } }));
    const probe = await connectProbe(port);
    probe.socket.write('ok');
    await probe.waitForBytes(2, 2000);
    probe.close();
  });
});
