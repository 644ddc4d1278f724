import { createServer, type Server } from 'node:net';
import { freePorts } from './free-ports';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('freePorts', () => {
  it('returns distinct ports that can be bound on 127.0.0.1 right after', async () => {
    const ports = await freePorts(6);
    expect(ports).toHaveLength(6);
    expect(new Set(ports).size).toBe(6);
    for (const p of ports) {
      expect(Number.isInteger(p)).toBe(true);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(65536);
    }
    // They were released: binding each again succeeds.
    const servers = await Promise.all(ports.map(listen));
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('returns nothing for zero', async () => {
    await expect(freePorts(0)).resolves.toEqual([]);
  });
});
