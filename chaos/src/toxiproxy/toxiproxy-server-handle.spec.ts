import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectProbe, startEchoServer } from './tcp-probe';
import { ToxiproxyBinaryError, findToxiproxyServerBinary, isStaticElf } from './toxiproxy-binary';
import { ToxiproxyServer } from './toxiproxy-server';
import { ToxiproxyServerHandle, ToxiproxyStartError, chooseToxiproxy } from './toxiproxy-server-handle';

jest.setTimeout(30_000);

const realBinary = findToxiproxyServerBinary();
if (!realBinary) process.stderr.write('toxiproxy-server-handle.spec: no toxiproxy-server (TOXIPROXY_SERVER_BIN or PATH): the binary mode test is skipped\n');
const itIfRealBinary = realBinary ? it : it.skip;

async function proxiesThrough(handle: ToxiproxyServerHandle): Promise<void> {
  const echo = await startEchoServer();
  try {
    const proxy = await handle.client().createProxy({ name: 'through', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
    const probe = await connectProbe(Number(proxy.listen.split(':').pop()));
    probe.socket.write('via proxy');
    await probe.waitForBytes(9, 3000);
    probe.close();
  } finally {
    await echo.close();
  }
}

describe('chooseToxiproxy', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toxiproxy-choice-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const executable = (name: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    return file;
  };

  it('takes TOXIPROXY_URL first, then TOXIPROXY_SERVER_BIN, then toxiproxy-server on PATH, then ours', () => {
    const onPath = executable('toxiproxy-server');
    const chosen = executable('chosen');
    expect(chooseToxiproxy({ TOXIPROXY_URL: 'http://h:1', TOXIPROXY_SERVER_BIN: chosen, PATH: dir })).toEqual({ mode: 'external', url: 'http://h:1' });
    expect(chooseToxiproxy({ TOXIPROXY_SERVER_BIN: chosen, PATH: dir })).toEqual({ mode: 'binary', binary: chosen });
    expect(chooseToxiproxy({ PATH: `/nonexistent${path.delimiter}${dir}` })).toEqual({ mode: 'binary', binary: onPath });
    expect(chooseToxiproxy({ PATH: '/nonexistent' }, 'child-process')).toEqual({ mode: 'child-process' });
    expect(chooseToxiproxy({})).toEqual({ mode: 'in-process' });
  });

  it('refuses a TOXIPROXY_SERVER_BIN that is not an executable file instead of falling back', () => {
    const plain = path.join(dir, 'plain');
    fs.writeFileSync(plain, '', { mode: 0o644 });
    for (const bad of [plain, dir, path.join(dir, 'missing')]) {
      expect(() => chooseToxiproxy({ TOXIPROXY_SERVER_BIN: bad })).toThrow(new ToxiproxyBinaryError(`$TOXIPROXY_SERVER_BIN=${bad}: not an executable file`));
    }
  });

  it('tells a static binary from a dynamically linked one', () => {
    expect(isStaticElf(process.execPath)).toBe(false); // node needs libc
    if (realBinary) expect(isStaticElf(realBinary)).toBe(true);
  });
});

describe('ToxiproxyServerHandle', () => {
  itIfRealBinary("runs Shopify's toxiproxy-server as a child process and stops it", async () => {
    const handle = await ToxiproxyServerHandle.start({ env: { ...process.env, TOXIPROXY_URL: '' } });
    try {
      expect(handle.mode).toBe('binary');
      expect(handle.origin).toBe(realBinary);
      expect(handle.identity.kind).toBe('shopify');
      await proxiesThrough(handle);
    } finally {
      await handle.stop();
    }
    await expect(fetch(`${handle.url}/version`)).rejects.toThrow();
  });

  it('says why a binary that does not serve the API failed to start', async () => {
    const start = ToxiproxyServerHandle.start({ env: { TOXIPROXY_SERVER_BIN: '/bin/false' } });
    await expect(start).rejects.toBeInstanceOf(ToxiproxyStartError);
    await expect(start).rejects.toThrow(/^\/bin\/false did not start on port \d+: exited \(code 1\)/);
  });

  it('runs our server as a child process that proxies and stops on SIGTERM', async () => {
    const handle = await ToxiproxyServerHandle.start({ mode: 'child-process', env: {} });
    try {
      expect(handle.mode).toBe('child-process');
      expect(handle.identity.kind).toBe('statestore-ha');
      await proxiesThrough(handle);
    } finally {
      await handle.stop();
    }
    await expect(fetch(`${handle.url}/version`)).rejects.toThrow();
  });

  it('uses the server at TOXIPROXY_URL, names its origin, and only resets it on stop', async () => {
    const owner = await ToxiproxyServer.start({ port: 0 });
    try {
      const handle = await ToxiproxyServerHandle.start({ env: { TOXIPROXY_URL: owner.url }, origin: 'a container' });
      expect(handle).toMatchObject({ mode: 'external', url: owner.url, origin: 'a container' });
      const proxy = await handle.client().createProxy({ name: 'ext', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      await proxy.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } });
      await handle.stop();
      const after = await (await fetch(`${owner.url}/proxies/ext`)).json();
      expect(after).toMatchObject({ name: 'ext', enabled: true, toxics: [] });
    } finally {
      await owner.stop();
    }
  });

  it('runs ours in-process when there is neither TOXIPROXY_URL nor a binary', async () => {
    const handle = await ToxiproxyServerHandle.start({ env: {} });
    try {
      expect(handle.mode).toBe('in-process');
      expect(handle.identity.version).toMatch(/^statestore-ha-toxiproxy \d+\.\d+\.\d+$/);
    } finally {
      await handle.stop();
    }
  });
});
