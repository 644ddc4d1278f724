import { connectProbe, startEchoServer } from './tcp-probe';
import { ToxiproxyServer } from './toxiproxy-server';
import { ToxiproxyServerHandle } from './toxiproxy-server-handle';

jest.setTimeout(30_000);

describe('ToxiproxyServerHandle', () => {
  it('runs our server as a child process that proxies and stops on SIGTERM', async () => {
    const echo = await startEchoServer();
    const handle = await ToxiproxyServerHandle.start({ mode: 'child-process', env: {} });
    try {
      expect(handle.mode).toBe('child-process');
      expect(handle.identity.kind).toBe('statestore-ha');
      const proxy = await handle.client().createProxy({ name: 'child', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
      const probe = await connectProbe(Number(proxy.listen.split(':').pop()));
      probe.socket.write('via child');
      await probe.waitForBytes(9, 3000);
      probe.close();
    } finally {
      await handle.stop();
      await echo.close();
    }
    await expect(fetch(`${handle.url}/version`)).rejects.toThrow();
  });

  it('uses the server at TOXIPROXY_URL and only resets it on stop', async () => {
    const owner = await ToxiproxyServer.start({ port: 0 });
    try {
      const handle = await ToxiproxyServerHandle.start({ env: { TOXIPROXY_URL: owner.url } });
      expect(handle.mode).toBe('external');
      expect(handle.url).toBe(owner.url);
      const proxy = await handle.client().createProxy({ name: 'ext', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } });
      await handle.stop();
      const after = await (await fetch(`${owner.url}/proxies/ext`)).json();
      expect(after).toMatchObject({ name: 'ext', enabled: true, toxics: [] });
    } finally {
      await owner.stop();
    }
  });

  it('runs in-process by default', async () => {
    const handle = await ToxiproxyServerHandle.start({ env: {} });
    try {
      expect(handle.mode).toBe('in-process');
      expect(handle.identity.version).toMatch(/^statestore-ha-toxiproxy \d+\.\d+\.\d+$/);
    } finally {
      await handle.stop();
    }
  });
});
