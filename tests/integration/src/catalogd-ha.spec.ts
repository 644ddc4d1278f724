import type { Cluster, DaemonProcess } from '@statestore-ha/cluster';
import { HA_STATESTORED, HA_SUBSCRIBER, waitForActive } from './ha-cluster';
import { metricValue } from './metric-value';
import { eventually, startTestCluster } from './test-cluster';

// Impala tests/custom_cluster/test_catalogd_ha.py, on real processes: one statestored with
// --enable_catalogd_ha, two catalogds, two coordinators. Subscriber-id priority and short
// intervals, as Impala's auto-failover tests use; every interval is a flag.

interface CatalogdStatus {
  address: string;
  is_active: boolean;
  catalog_service_id: string;
  catalog_topic_updates_received: number;
  catalogd_ha: { role: string; role_changes: number };
}
interface CoordinatorCatalog {
  tables: string[];
  catalog_service_id: string | undefined;
  active_catalogd_address: string | null;
  active_catalogd_version: number | null;
}
interface TopicsPage {
  topics: Array<{ topic_id: string; num_live_entries: number }>;
}
interface CatalogHaInfo {
  is_active_statestored: boolean;
  has_active_catalogd: boolean;
  active_catalogd_version: number;
  active_catalogd_address: string | null;
  standby_catalogd_address: string | null;
  notified_subscribers: Array<{ id: string; catalogd_version: number }>;
}

const CATALOGD_HA_STATESTORED = {
  enable_catalogd_ha: true,
  use_subscriber_id_as_catalogd_priority: true,
  // Long enough that both catalogds register before it ends, so priority (not arrival) decides.
  catalogd_ha_preemption_wait_period_ms: 5000,
  active_catalogd_designation_monitoring_interval_ms: 50,
  update_catalogd_rpc_resend_interval_ms: 50,
  // A dead catalogd is detected after 20 missed 100 ms heartbeats (~2 s). With 5 (FAST_STATESTORED)
  // a process starved of CPU for half a second on a loaded 2-core runner was declared dead during
  // startup and the designation moved before the tests began.
  statestore_max_missed_heartbeats: 20,
};

const status = (d: DaemonProcess): Promise<CatalogdStatus> => d.getJson<CatalogdStatus>('/status');
const coordinatorCatalog = (d: DaemonProcess): Promise<CoordinatorCatalog> => d.getJson<CoordinatorCatalog>('/catalog');
const haInfo = (ss: DaemonProcess): Promise<CatalogHaInfo> => ss.getJson<CatalogHaInfo>('/catalog_ha_info');
const createTable = (d: DaemonProcess, name: string): Promise<Response> =>
  fetch(`${d.webUrl}/api/tables`, { method: 'POST', body: JSON.stringify({ name, columns: [{ name: 'id', type: 'BIGINT' }] }) });
const catalogTopicEntries = async (ss: DaemonProcess): Promise<number | undefined> =>
  (await ss.getJson<TopicsPage>('/topics')).topics.find((t) => t.topic_id === 'catalog-update')?.num_live_entries;
const metric = async (d: DaemonProcess, name: string): Promise<number | undefined> => {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(await d.getText('/metrics'));
  return m ? Number(m[1]) : undefined;
};

/** Polls every catalogd until exactly one says it is active; returns [active, standby]. */
async function roles(catalogds: readonly DaemonProcess[], timeoutMs = 15_000): Promise<[DaemonProcess, DaemonProcess]> {
  return eventually(
    'exactly one active catalogd',
    async () => {
      const s = await Promise.all(catalogds.map(async (d) => (d.running ? (await status(d)).is_active : false)));
      const active = catalogds.filter((_, i) => s[i]);
      const standby = catalogds.filter((_, i) => !s[i]);
      return active.length === 1 && standby.length === 1 ? ([active[0], standby[0]] as [DaemonProcess, DaemonProcess]) : undefined;
    },
    timeoutMs,
  );
}

async function coordinatorsFollow(coordinators: readonly DaemonProcess[], address: string, timeoutMs = 15_000): Promise<void> {
  for (const c of coordinators) {
    await eventually(`${c.name} to follow ${address}`, async () => ((await coordinatorCatalog(c)).active_catalogd_address === address ? true : undefined), timeoutMs);
  }
}

async function tableReachesCoordinators(catalogd: DaemonProcess, coordinators: readonly DaemonProcess[], name: string): Promise<void> {
  const res = await createTable(catalogd, name);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { published_to_statestore: boolean }).published_to_statestore).toBe(true);
  const serviceId = (await status(catalogd)).catalog_service_id;
  for (const c of coordinators) {
    await eventually(`${c.name} to see ${name}`, async () => {
      const cat = await coordinatorCatalog(c);
      return cat.tables.includes(name) && cat.catalog_service_id === serviceId ? true : undefined;
    });
  }
}

describe('catalogd HA: one statestored, two catalogds, two coordinators (real processes)', () => {
  let cluster: Cluster;
  let ss: DaemonProcess;
  let catalogds: DaemonProcess[];
  let coordinators: DaemonProcess[];
  const measured: string[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster({
      ha: false,
      catalogds: 2,
      coordinators: 2,
      executors: 0,
      statestored: CATALOGD_HA_STATESTORED,
      catalogd: { enable_catalogd_ha: true },
    });
    ss = cluster.get('statestored-1');
    catalogds = cluster.byApp('catalogd');
    coordinators = cluster.byApp('impalad');
  });
  afterAll(async () => {
    await cluster?.stop();
    if (measured.length > 0) process.stdout.write(`catalogd HA timings:\n  ${measured.join('\n  ')}\n`);
  });

  it('elects exactly one active catalogd; the statestore and every coordinator agree on it', async () => {
    const [active, standby] = await roles(catalogds);
    const activeAddress = (await status(active)).address;
    const standbyAddress = (await status(standby)).address;
    // Subscriber-id priority: the lower catalog-server@host:port id wins.
    expect(activeAddress < standbyAddress).toBe(true);
    const info = await eventually('the statestore to show both catalogds', async () => {
      const i = await haInfo(ss);
      return i.standby_catalogd_address !== null ? i : undefined;
    });
    expect(info).toMatchObject({ is_active_statestored: true, has_active_catalogd: true, active_catalogd_address: activeAddress, standby_catalogd_address: standbyAddress });
    await coordinatorsFollow(coordinators, activeAddress);
    const versions = await Promise.all(coordinators.map(async (c) => (await coordinatorCatalog(c)).active_catalogd_version));
    expect(versions).toEqual([info.active_catalogd_version, info.active_catalogd_version]);
    expect(await metric(active, 'catalogd_is_active')).toBe(1);
    expect(await metric(standby, 'catalogd_is_active')).toBe(0);
    expect(await metric(ss, 'statestore_active_catalogd_version')).toBe(info.active_catalogd_version);
    for (const c of coordinators) expect(await metric(c, 'impalad_active_catalogd_version')).toBe(info.active_catalogd_version);
  });

  it('the standby refuses DDL and publishes nothing; a DDL on the active reaches every coordinator', async () => {
    const [active, standby] = await roles(catalogds);
    expect((await createTable(standby, 'db.refused')).status).toBe(503);
    await tableReachesCoordinators(active, coordinators, 'db.before_failover');
    // Only the active's catalog is in the topic: the coordinators show its service id.
    const activeId = (await status(active)).catalog_service_id;
    for (const c of coordinators) expect((await coordinatorCatalog(c)).catalog_service_id).toBe(activeId);
    // The topic holds the active's header and its one table, and keeps holding them: the standby
    // gets no topic updates, so it never answers a full update with clear_topic_entries.
    await new Promise((r) => setTimeout(r, 600));
    expect(await catalogTopicEntries(ss)).toBe(2);
    expect((await status(standby)).catalog_topic_updates_received).toBe(0);
    expect((await status(active)).catalog_topic_updates_received).toBeGreaterThan(0);
    const notified = (await haInfo(ss)).notified_subscribers.map((n) => n.id).sort();
    expect(notified).toEqual(expect.arrayContaining(coordinators.map((c) => `impalad@127.0.0.1:${String(c.spec.flags['krpc_port'])}`)));
  });

  it('kill the active catalogd: the standby becomes active within the bound, coordinators follow, DDL works on it', async () => {
    const [oldActive, standby] = await roles(catalogds);
    const standbyAddress = (await status(standby)).address;
    const clearsBefore = metricValue(await ss.getText('/metrics'), 'statestore_clear_topic_entries_requests_total') ?? 0;
    const killedAt = Date.now();
    await oldActive.kill();
    await eventually('the standby to become active', async () => ((await status(standby)).is_active ? true : undefined), 10_000, 10);
    const promotedMs = Date.now() - killedAt;
    await coordinatorsFollow(coordinators, standbyAddress, 10_000);
    const followedMs = Date.now() - killedAt;
    measured.push(`auto failover (kill -9 of the active): standby active after ${promotedMs} ms, both coordinators followed after ${followedMs} ms`);
    // Detection is 20 missed heartbeats at 100 ms (~2 s); Impala's own test allows 30 s.
    expect(followedMs).toBeGreaterThanOrEqual(1_500);
    expect(followedMs).toBeLessThan(10_000);
    expect((await status(standby)).catalogd_ha.role_changes).toBe(1);
    // Impala's test: the new active's first push clears the topic, and notifications succeed.
    const m = await ss.getText('/metrics');
    expect(metricValue(m, 'statestore_clear_topic_entries_requests_total')).toBeGreaterThan(clearsBefore);
    expect(metricValue(m, 'statestore_catalogd_notifications_total', { result: 'ok' })).toBeGreaterThanOrEqual(6);
    await tableReachesCoordinators(standby, coordinators, 'db.after_failover');
    // The old active's objects are gone from the coordinators' catalog (Impala resets on a new service id).
    for (const c of coordinators) expect((await coordinatorCatalog(c)).tables).not.toContain('db.before_failover');
    const info = await haInfo(ss);
    expect(info).toMatchObject({ has_active_catalogd: true, active_catalogd_address: standbyAddress, standby_catalogd_address: null });
  });

  it('the restarted old active comes back as standby', async () => {
    // roles() counts the killed catalogd as the one that is not active.
    const [active, restarted] = await roles(catalogds);
    expect(restarted.running).toBe(false);
    restarted.start();
    await restarted.waitHealthy();
    const restartedAddress = `127.0.0.1:${String(restarted.spec.flags['catalog_service_port'])}`;
    await eventually('the statestore to list it as standby', async () => ((await haInfo(ss)).standby_catalogd_address === restartedAddress ? true : undefined));
    // Give it several designation checks and resend rounds to (wrongly) take over.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await status(restarted)).is_active).toBe(false);
    expect((await status(restarted)).catalog_topic_updates_received).toBe(0);
    expect((await status(active)).is_active).toBe(true);
    expect((await createTable(restarted, 'db.refused_again')).status).toBe(503);
    for (const c of coordinators) expect((await coordinatorCatalog(c)).active_catalogd_address).toBe((await status(active)).address);
  });

  it('restarted with --force_catalogd_active it takes over (manual failover)', async () => {
    const [active, standby] = await roles(catalogds);
    const standbyAddress = (await status(standby)).address;
    expect(await standby.stop()).toBe(0);
    const startedAt = Date.now();
    standby.start({ force_catalogd_active: true });
    await standby.waitHealthy();
    await eventually('the forced catalogd to become active', async () => ((await status(standby)).is_active ? true : undefined), 15_000, 10);
    const promotedMs = Date.now() - startedAt;
    await eventually('the previous active to step down', async () => ((await status(active)).is_active ? undefined : true), 5_000, 10);
    await coordinatorsFollow(coordinators, standbyAddress, 5_000);
    const followedMs = Date.now() - startedAt;
    measured.push(`manual failover (restart with --force_catalogd_active): active ${promotedMs} ms after the process start, coordinators followed after ${followedMs} ms`);
    // Impala's test allows 15 s.
    expect(followedMs).toBeLessThan(15_000);
    expect((await createTable(active, 'db.refused_after_demotion')).status).toBe(503);
    await tableReachesCoordinators(standby, coordinators, 'db.after_manual_failover');
    expect((await status(active)).catalogd_ha.role_changes).toBeGreaterThanOrEqual(2);
  });
  it('a restarted coordinator learns the active catalogd when it registers (no new designation needed)', async () => {
    const [active] = await roles(catalogds);
    const before = (await haInfo(ss)).active_catalogd_version;
    const coordinator = coordinators[coordinators.length - 1] as DaemonProcess;
    expect(await coordinator.stop()).toBe(0);
    coordinator.start();
    await coordinator.waitHealthy();
    await coordinatorsFollow([coordinator], (await status(active)).address, 5_000);
    expect((await coordinatorCatalog(coordinator)).active_catalogd_version).toBe(before);
    expect((await haInfo(ss)).active_catalogd_version).toBe(before);
  });
});

describe('without --enable_catalogd_ha nothing changes: the lone catalogd is active', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ ha: false, coordinators: 1, executors: 0 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('/catalog_ha_info is 404, the catalogd is active, the coordinator learns its address', async () => {
    const ss = cluster.get('statestored-1');
    const catalogd = cluster.get('catalogd-1');
    const coordinator = cluster.get('coordinator-1');
    expect((await fetch(`${ss.webUrl}/catalog_ha_info`)).status).toBe(404);
    expect((await status(catalogd)).is_active).toBe(true);
    await coordinatorsFollow([coordinator], (await status(catalogd)).address);
    await tableReachesCoordinators(catalogd, [coordinator], 'db.no_ha');
  });
});

describe('catalogd HA under statestored HA: the new active statestored hands out the designation again', () => {
  let cluster: Cluster;
  let catalogds: DaemonProcess[];
  let coordinators: DaemonProcess[];

  beforeAll(async () => {
    cluster = await startTestCluster({
      ha: true,
      catalogds: 2,
      coordinators: 2,
      executors: 0,
      // Subscriber-id priority: both statestoreds elect the same catalogd (Impala's advice, §4).
      statestored: { ...HA_STATESTORED, ...CATALOGD_HA_STATESTORED },
      subscriber: HA_SUBSCRIBER,
      catalogd: { enable_catalogd_ha: true },
    });
    catalogds = cluster.byApp('catalogd');
    coordinators = cluster.byApp('impalad');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('only the active statestored notifies; after it is killed the standby resends under a newer version and DDL keeps working', async () => {
    await waitForActive(cluster, 1);
    const [ss1, ss2] = [cluster.get('statestored-1'), cluster.get('statestored-2')];
    const [active] = await roles(catalogds);
    const activeAddress = (await status(active)).address;
    await coordinatorsFollow(coordinators, activeAddress);
    await tableReachesCoordinators(active, coordinators, 'db.before_ss_failover');
    expect(await haInfo(ss2)).toEqual({ is_active_statestored: false, message: 'The current statestored is inactive.' });
    const standbyMetrics = await ss2.getText('/metrics');
    for (const result of ['ok', 'skipped', 'failed']) expect(metricValue(standbyMetrics, 'statestore_catalogd_notifications_total', { result })).toBe(0);
    const before = (await haInfo(ss1)).active_catalogd_version;

    await ss1.kill();
    await waitForActive(cluster, 2);
    // statestored-2 elected on its own before the failover; once active it stamps that designation
    // anew, and every coordinator applies it (a version not above statestored-1's would be ignored).
    const info = await eventually('every coordinator to apply statestored-2 designation', async () => {
      const i = await haInfo(ss2);
      if (!i.is_active_statestored || !i.has_active_catalogd || i.active_catalogd_version <= before) return undefined;
      const applied = await Promise.all(coordinators.map(async (c) => (await coordinatorCatalog(c)).active_catalogd_version));
      return applied.every((v) => v === i.active_catalogd_version) ? i : undefined;
    });
    expect(info.active_catalogd_address).toBe(activeAddress);
    for (const c of coordinators) expect((await coordinatorCatalog(c)).active_catalogd_address).toBe(activeAddress);
    const [stillActive] = await roles(catalogds);
    expect(stillActive).toBe(active);
    // The new active statestored started everyone over: the catalogd republished its catalog there.
    for (const c of coordinators) {
      await eventually(`${c.name} to keep db.before_ss_failover`, async () => ((await coordinatorCatalog(c)).tables.includes('db.before_ss_failover') ? true : undefined));
    }
    await tableReachesCoordinators(active, coordinators, 'db.after_ss_failover');
  });
});
