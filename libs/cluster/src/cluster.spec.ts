import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from './cluster';
import type { DaemonSpec } from './daemon-process';
import { fakeDist } from './fake-daemon.spec-helper';
import { freePorts } from './free-ports';

// Cluster against a fake build (fake-daemon.spec-helper.ts): each fake appends "start <name>" when
// it comes up and "stop <name>" on SIGTERM, so the spec reads the order off one file.

jest.setTimeout(20_000);

const dist = fakeDist();
const events = join(dist.root, 'events.log');
let cluster: Cluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  rmSync(events, { force: true });
});
afterAll(() => rmSync(dist.root, { recursive: true, force: true }));

async function specs(extra: Partial<Record<string, DaemonSpec['flags']>> = {}): Promise<DaemonSpec[]> {
  // Listed out of order on purpose: Cluster, not the list, decides the start order.
  const names: Array<[string, DaemonSpec['app']]> = [
    ['executor-1', 'impalad'],
    ['catalogd-1', 'catalogd'],
    ['statestored-1', 'statestored'],
    ['coordinator-1', 'impalad'],
    ['statestored-2', 'statestored'],
  ];
  const ports = await freePorts(names.length);
  return names.map(([name, app], i) => {
    const webPort = ports[i] as number;
    return { name, app, webPort, flags: { webserver_port: webPort, fake_name: name, fake_events: events, ...extra[name] } };
  });
}

const readEvents = (): string[] => readFileSync(events, 'utf8').trim().split('\n');

describe('Cluster', () => {
  it('starts statestoreds, then catalogds, then impalads, each group healthy before the next', async () => {
    cluster = new Cluster(await specs(), { distDir: dist.distDir, logDir: dist.logDir });
    await cluster.start(10_000);
    const started = readEvents().map((e) => e.replace('start ', ''));
    expect(started.slice(0, 2).sort()).toEqual(['statestored-1', 'statestored-2']);
    expect(started[2]).toBe('catalogd-1');
    expect(started.slice(3).sort()).toEqual(['coordinator-1', 'executor-1']);
    expect(cluster.daemons.every((d) => d.running)).toBe(true);
  });

  it('stops impalads first, then catalogds, then statestoreds, so subscribers unregister while statestoreds still run', async () => {
    cluster = new Cluster(await specs(), { distDir: dist.distDir, logDir: dist.logDir });
    await cluster.start(10_000);
    await cluster.stop();
    const stopped = readEvents()
      .filter((e) => e.startsWith('stop '))
      .map((e) => e.replace('stop ', ''));
    expect(stopped.slice(0, 2).sort()).toEqual(['coordinator-1', 'executor-1']);
    expect(stopped[2]).toBe('catalogd-1');
    expect(stopped.slice(3).sort()).toEqual(['statestored-1', 'statestored-2']);
    expect(cluster.daemons.some((d) => d.running)).toBe(false);
  });

  it('fails start() when a daemon dies before it is healthy', async () => {
    cluster = new Cluster(await specs({ 'catalogd-1': { fake_exit_code: 2 } }), { distDir: dist.distDir, logDir: dist.logDir });
    await expect(cluster.start(10_000)).rejects.toMatchObject({ name: 'DaemonExitedError', daemon: 'catalogd-1', code: 2 });
    // The impalads were never started.
    expect(cluster.byApp('impalad').some((d) => d.running)).toBe(false);
  });

  it('finds daemons by name and by app, and names the ones it has when asked for a missing one', async () => {
    cluster = new Cluster(await specs(), (spec) => ({ distDir: dist.distDir, logDir: join(dist.logDir, spec.app) }));
    expect(cluster.get('catalogd-1').spec.app).toBe('catalogd');
    expect(cluster.get('catalogd-1').logFile).toBe(join(dist.logDir, 'catalogd', 'catalogd-1.log'));
    expect(cluster.byApp('statestored').map((d) => d.name)).toEqual(['statestored-1', 'statestored-2']);
    expect(() => cluster?.get('statestored-3')).toThrow('no daemon statestored-3 in this cluster (have executor-1, catalogd-1, statestored-1, coordinator-1, statestored-2)');
  });
});
