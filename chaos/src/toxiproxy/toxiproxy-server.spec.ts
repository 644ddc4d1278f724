/**
 * What only our stand-in has to show: it names itself so reports can tell it from the real
 * server, it stops cleanly with connections open, and it is safe under concurrent requests. Its
 * compatibility with Shopify's toxiproxy is toxiproxy-differential.spec.ts, run against both.
 */
import { Toxiproxy } from 'toxiproxy-node-client';
import { detectToxiproxy } from './detect-toxiproxy';
import { connectProbe, startEchoServer } from './tcp-probe';
import { ToxiproxyServer } from './toxiproxy-server';
import { TOXIPROXY_VERSION_STRING } from './version';

jest.setTimeout(30_000);

describe('our toxiproxy stand-in', () => {
  it('names itself on /version, and detectToxiproxy tells it from the real one', async () => {
    const server = await ToxiproxyServer.start({ port: 0 });
    try {
      expect(JSON.parse(await new Toxiproxy(server.url).getVersion())).toEqual({ version: TOXIPROXY_VERSION_STRING });
      await expect(detectToxiproxy(server.url)).resolves.toEqual({ kind: 'statestore-ha', version: TOXIPROXY_VERSION_STRING, url: server.url });
    } finally {
      await server.stop();
    }
  });

  it('answers one of two concurrent creates of a name with 409, never both with 201', async () => {
    const server = await ToxiproxyServer.start({ port: 0 });
    try {
      const create = (): Promise<number> =>
        fetch(`${server.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'twin', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }) }).then((r) => r.status);
      expect((await Promise.all([create(), create()])).sort()).toEqual([201, 409]);
    } finally {
      await server.stop();
    }
  });

  it('stop() closes every proxied connection, every listener and the API', async () => {
    const echo = await startEchoServer();
    const server = await ToxiproxyServer.start({ port: 0 });
    const proxy = await new Toxiproxy(server.url).createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
    const port = Number(proxy.listen.split(':').pop());
    const api = server.url;
    const probe = await connectProbe(port);
    probe.socket.write('x');
    await probe.waitForBytes(1, 2000);
    try {
      await server.stop();
      expect(await probe.waitForEnd(2000)).toEqual({ kind: 'fin' });
      await expect(connectProbe(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await expect(fetch(`${api}/version`)).rejects.toThrow();
    } finally {
      await echo.close();
    }
  });
});
