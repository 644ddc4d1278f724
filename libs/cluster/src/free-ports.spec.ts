import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { candidatePorts, freePorts } from './free-ports';

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

  it('never hands out an ephemeral port (a connecting socket could take it) nor one of Impala defaults', async () => {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    for (const p of await freePorts(50)) {
      expect(p).toBeLessThan(low);
      expect(p >= 21000 && p <= 28999).toBe(false);
    }
    const c = candidatePorts(32768);
    expect(c).not.toContain(24000);
    expect(c).not.toContain(32768);
    expect(c[0]).toBe(10000);
  });

  it('skips a port something already listens on', async () => {
    const [first] = await freePorts(1);
    const c = candidatePorts();
    const probedNext = c[(c.indexOf(first as number) + 1) % c.length] as number;
    const held = await listen(probedNext);
    try {
      const next = await freePorts(1);
      expect(next).not.toContain(probedNext);
    } finally {
      await new Promise((r) => held.close(r));
    }
  });

  it('returns nothing for zero', async () => {
    await expect(freePorts(0)).resolves.toEqual([]);
  });
});
