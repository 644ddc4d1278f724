import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Cluster, clusterLayout, freePorts, portsFrom, portsNeeded, type LayoutOptions } from '@statestore-ha/cluster';

export const DIST = resolve(__dirname, '..');

export async function startCluster(o: Omit<LayoutOptions, 'ports'>): Promise<Cluster> {
  const impalads = (o.coordinators ?? 1) + o.executors;
  const catalogds = o.catalogds ?? 1;
  const ports = portsFrom(await freePorts(portsNeeded(impalads, catalogds)), impalads, catalogds);
  const logDir = mkdtempSync(join(tmpdir(), 'ss-bench-'));
  const cluster = new Cluster(clusterLayout({ ...o, ports }), { distDir: DIST, logDir });
  process.on('SIGINT', () => void cluster.stop().then(() => process.exit(130)));
  await cluster.start();
  process.stdout.write(`cluster up (logs in ${logDir})\n`);
  return cluster;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const body = m[3] ?? '';
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) return Number(m[4]);
  }
  return undefined;
}
