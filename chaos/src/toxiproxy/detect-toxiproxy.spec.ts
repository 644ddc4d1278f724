import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ToxiproxyUnreachableError, detectToxiproxy } from './detect-toxiproxy';

/** A stand-in answering /version as given toxiproxy releases do. */
async function fakeVersionServer(body: string, contentType: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': contentType }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('detectToxiproxy', () => {
  it.each([
    ['2.6+ JSON', '{"version": "2.9.0"}\n', 'application/json;charset=utf-8', '2.9.0'],
    ['pre-2.6 plain text', '2.1.4', 'text/plain', '2.1.4'],
    ['dev build', 'git-fe6bf4f', 'text/plain', 'git-fe6bf4f'],
  ])('tells Shopify toxiproxy (%s)', async (_label, body, contentType, version) => {
    const fake = await fakeVersionServer(body, contentType);
    try {
      await expect(detectToxiproxy(`${fake.url}/`)).resolves.toEqual({ kind: 'shopify', version, url: fake.url });
    } finally {
      await fake.close();
    }
  });

  it('recognises ours by name', async () => {
    const fake = await fakeVersionServer('{"version":"statestore-ha-toxiproxy 9.9.9"}', 'application/json');
    try {
      await expect(detectToxiproxy(fake.url)).resolves.toMatchObject({ kind: 'statestore-ha', version: 'statestore-ha-toxiproxy 9.9.9' });
    } finally {
      await fake.close();
    }
  });

  it('throws ToxiproxyUnreachableError when nothing answers', async () => {
    const fake = await fakeVersionServer('', 'text/plain');
    await fake.close(); // a port that was just free
    await expect(detectToxiproxy(fake.url, 500)).rejects.toBeInstanceOf(ToxiproxyUnreachableError);
  });
});
