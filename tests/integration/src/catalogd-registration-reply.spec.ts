import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess, type Cluster, type DaemonSpec } from '@statestore-ha/cluster';
import { metricValue } from './metric-value';
import { DIST, eventually, startTestCluster } from './test-cluster';

// Impala test_catalogd_ha.py "a restarted coordinator learns it from the registration reply", on
// real processes: one statestored with --enable_catalogd_ha, two catalogds, one coordinator; then a
// coordinator the statestored has never seen starts, and an existing one restarts. Each must know
// the active catalogd as soon as it is registered, from the RegisterResponse's catalogd_registration
// and catalogd_version, with no new designation.
//
// What tells the registration reply from a notification: the statestored also sends a newcomer
// an UpdateCatalogd of the same designation right after the reply (catalogd-ha-runner.ts). The
// coordinator applies whichever comes first and takes the other as a duplicate; /catalog says
// which one it applied (active_catalogd_source) and its log shows the order. If the subscriber
// ignored the reply, the notification would be the one applied and every check below would fail.

interface CoordinatorCatalog {
  active_catalogd_address: string | null;
  active_catalogd_version: number | null;
  active_catalogd_source: 'registration' | 'notification' | null;
}
interface CatalogHaInfo {
  active_catalogd_version: number;
  active_catalogd_address: string | null;
  standby_catalogd_address: string | null;
}
interface LogLine {
  msg: string;
  time: string;
  source?: string;
  activeCatalogd?: string;
  catalogdVersion?: number;
}

const STATESTORED = {
  enable_catalogd_ha: true,
  use_subscriber_id_as_catalogd_priority: true,
  // Both catalogds register well inside it, so priority (not arrival) decides the designation.
  catalogd_ha_preemption_wait_period_ms: 5000,
  active_catalogd_designation_monitoring_interval_ms: 50,
  // Nothing here needs a resend; a long interval keeps any from reaching the newcomers.
  update_catalogd_rpc_resend_interval_ms: 60_000,
  // As catalogd-ha.spec.ts: a CPU-starved daemon on a loaded runner is not declared dead at startup.
  statestore_max_missed_heartbeats: 20,
};

const catalogOf = (d: DaemonProcess): Promise<CoordinatorCatalog> => d.getJson<CoordinatorCatalog>('/catalog');
const haInfo = (ss: DaemonProcess): Promise<CatalogHaInfo> => ss.getJson<CatalogHaInfo>('/catalog_ha_info');
const subscriberId = (d: DaemonProcess): string => `impalad@127.0.0.1:${String(d.spec.flags['krpc_port'])}`;

/** The daemon's pino lines written since `fromLine` (its log is appended across restarts). */
function logLines(d: DaemonProcess, fromLine = 0): LogLine[] {
  return readFileSync(d.logFile, 'utf8')
    .split('\n')
    .slice(fromLine)
    .flatMap((l) => {
      if (!l.startsWith('{')) return [];
      try {
        return [JSON.parse(l) as LogLine];
      } catch {
        return [];
      }
    });
}
const lineCount = (d: DaemonProcess): number => (existsSync(d.logFile) ? readFileSync(d.logFile, 'utf8').split('\n').length - 1 : 0);

interface Learned {
  /** From the process start to /catalog naming the active catalogd. */
  knownAfterMs: number;
  /** From the 'registered with statestored' log line to the 'active catalogd changed' one. */
  registeredToKnownMs: number;
}

/**
 * Starts `d` and checks that it learns `activeAddress` from its registration reply: /catalog
 * names it with source 'registration' and the statestored's version, and its log has the reply's
 * designation applied right after registering, any notification of it only as a duplicate.
 */
async function learnsFromRegistration(d: DaemonProcess, ss: DaemonProcess, activeAddress: string): Promise<Learned> {
  const designation = (await haInfo(ss)).active_catalogd_version;
  const fromLine = lineCount(d);
  const startedAt = Date.now();
  d.start();
  await d.waitHealthy();
  const cat = await eventually(`${d.name} to name the active catalogd`, async () => {
    const c = await catalogOf(d);
    return c.active_catalogd_address !== null ? c : undefined;
  }, 5_000, 10);
  const knownAfterMs = Date.now() - startedAt;
  expect(cat).toMatchObject({ active_catalogd_address: activeAddress, active_catalogd_version: designation, active_catalogd_source: 'registration' });
  expect((await d.getJson<{ active_catalogd_address: string | null }>('/status')).active_catalogd_address).toBe(activeAddress);
  // No new designation was made to tell it.
  expect((await haInfo(ss)).active_catalogd_version).toBe(designation);

  const lines = await eventually(`${d.name}'s log to show the designation`, async () => {
    const l = logLines(d, fromLine);
    return l.some((x) => x.msg === 'active catalogd changed') ? l : undefined;
  }, 5_000);
  const registered = lines.find((x) => x.msg === 'registered with statestored');
  const changed = lines.filter((x) => x.msg === 'active catalogd changed');
  expect(registered).toBeDefined();
  expect(changed).toHaveLength(1);
  expect(changed[0]).toMatchObject({ source: 'registration', activeCatalogd: activeAddress, catalogdVersion: designation });
  // The notification that follows the reply on the same stream is a repeat, not news, and not
  // Impala's "Ignore the update" line (test_restart_statestore counts those).
  expect(lines.filter((x) => x.msg === 'Duplicated update of active catalogd').every((x) => x.source === 'notification')).toBe(true);
  expect(lines.filter((x) => x.msg.startsWith('Ignore the update of active catalogd'))).toEqual([]);
  const registeredToKnownMs = Date.parse(changed[0]?.time ?? '') - Date.parse(registered?.time ?? '');
  return { knownAfterMs, registeredToKnownMs };
}

describe('catalogd HA: a new or restarted coordinator learns the active catalogd from its registration reply (real processes)', () => {
  let cluster: Cluster;
  let ss: DaemonProcess;
  let first: DaemonProcess;
  /** Left out of the cluster's start: the statestored has never seen this subscriber id. */
  let newcomer: DaemonProcess;
  let activeAddress: string;
  const measured: string[] = [];

  beforeAll(async () => {
    let held: DaemonSpec | undefined;
    cluster = await startTestCluster(
      { ha: false, catalogds: 2, coordinators: 2, executors: 0, statestored: STATESTORED, catalogd: { enable_catalogd_ha: true } },
      (specs) => {
        const i = specs.findIndex((s) => s.name === 'coordinator-2');
        held = specs.splice(i, 1)[0];
      },
    );
    if (held === undefined) throw new Error('no coordinator-2 in the layout');
    newcomer = new DaemonProcess(held, { distDir: DIST, logDir: mkdtempSync(join(tmpdir(), 'ss-it-newcomer-')) });
    ss = cluster.get('statestored-1');
    first = cluster.get('coordinator-1');
    const info = await eventually('a designated active catalogd with a standby', async () => {
      const i = await haInfo(ss);
      return i.active_catalogd_address !== null && i.standby_catalogd_address !== null ? i : undefined;
    });
    activeAddress = info.active_catalogd_address as string;
    await eventually('coordinator-1 to follow it', async () => ((await catalogOf(first)).active_catalogd_address === activeAddress ? true : undefined));
  });
  afterAll(async () => {
    await newcomer?.close();
    await cluster?.stop();
    if (measured.length > 0) process.stdout.write(`registration reply timings:\n  ${measured.join('\n  ')}\n`);
  });

  it('a coordinator the statestored has never seen knows the active catalogd once registered, without a new designation', async () => {
    const before = await ss.getText('/metrics');
    const t = await learnsFromRegistration(newcomer, ss, activeAddress);
    measured.push(`new coordinator: active catalogd known ${t.knownAfterMs} ms after the process start, ${t.registeredToKnownMs} ms after its registration was logged`);
    expect(t.registeredToKnownMs).toBeLessThan(100);
    // The statestore answered a registration; it designated nobody anew and counted no failures.
    const after = await ss.getText('/metrics');
    expect(metricValue(after, 'statestore_active_catalogd_version')).toBe(metricValue(before, 'statestore_active_catalogd_version'));
    expect(metricValue(after, 'statestore_catalogd_notifications_total', { result: 'failed' }) ?? 0).toBe(metricValue(before, 'statestore_catalogd_notifications_total', { result: 'failed' }) ?? 0);
  });

  it('a restarted coordinator (clean stop, same subscriber id) learns it again from its new registration', async () => {
    expect(await first.stop()).toBe(0);
    await eventually('the statestored to drop its registration', async () => {
      const subs = await ss.getJson<{ subscribers: Array<{ id: string }> }>('/subscribers');
      return subs.subscribers.some((s) => s.id === subscriberId(first)) ? undefined : true;
    });
    const t = await learnsFromRegistration(first, ss, activeAddress);
    measured.push(`restarted coordinator: active catalogd known ${t.knownAfterMs} ms after the process start, ${t.registeredToKnownMs} ms after its registration was logged`);
    expect(t.registeredToKnownMs).toBeLessThan(100);
  });
});
