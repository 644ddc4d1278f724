import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonExitedError, DaemonProcess, freePorts, type Cluster, type DaemonSpec } from '@statestore-ha/cluster';
import { HA_STATESTORED, isActive, startHaCluster, waitForActive } from './ha-cluster';
import { logLines } from './log-lines';
import { metricValue } from './metric-value';
import { DIST, FAST_STATESTORED, eventually, startTestCluster } from './test-cluster';

// --debug_actions on first attempts, on real processes: Impala's
// test_statestored_auto_failover_with_failed_rpc and test_catalogd_auto_failover_with_failed_rpc
// (FAIL@1.0 on the first RPC of each round, and every subscriber must still follow), and the
// first HA handshake try failing at startup.

const metric = async (d: DaemonProcess, name: string, labels: Record<string, string> = {}): Promise<number> => metricValue(await d.getText('/metrics'), name, labels) ?? 0;

/** Sets flags on one daemon of the layout before it starts. */
const withFlags =
  (name: string, flags: Record<string, string | number | boolean>) =>
  (specs: DaemonSpec[]): void => {
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new Error(`no daemon ${name} in the layout`);
    spec.flags = { ...spec.flags, ...flags };
  };

describe('SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1.0 on the standby: it takes over and every subscriber still follows it', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startHaCluster(
      { executors: 2 },
      withFlags('statestored-2', { debug_actions: 'DISABLE_STATESTORE_NETWORK|SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1.0' }),
    );
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('kill the active: the first role notification to every subscriber fails, is counted, and the resend delivers it', async () => {
    await waitForActive(cluster, 1);
    const ss2 = cluster.get('statestored-2');
    const subscribers = cluster.daemons.filter((d) => d.spec.app !== 'statestored');
    // The standby sends no role notification while the active is alive.
    for (const result of ['ok', 'failed']) expect(await metric(ss2, 'statestore_role_notifications_total', { result })).toBe(0);

    const killedAt = Date.now();
    await cluster.get('statestored-1').kill();
    await waitForActive(cluster, 2);
    const m = await ss2.getText('/metrics');
    const promotedAt = (metricValue(m, 'statestore_last_role_change_timestamp_seconds') ?? 0) * 1000;
    const follows = await Promise.all(subscribers.map(async (d) => (await metric(d, 'statestore_subscriber_last_failover_timestamp_seconds')) * 1000));
    const allFollowAt = Math.max(...follows);

    // Every subscriber registered at the promotion got its role notification in the end: the
    // broadcast is over, each one answered ok, and each first attempt had failed.
    await eventually('every role notification answered', async () =>
      ((await ss2.getJson<{ pending_role_notifications: number }>('/ha')).pending_role_notifications === 0 ? true : undefined));
    const failed = await metric(ss2, 'statestore_role_notifications_total', { result: 'failed' });
    const ok = await metric(ss2, 'statestore_role_notifications_total', { result: 'ok' });
    const [applied] = logLines(ss2, 'debug action applied to first role notifications');
    const started = logLines(ss2, 'role broadcast started').at(-1);
    const done = logLines(ss2, 'every subscriber acknowledged the role').at(-1);
    process.stdout.write(
      `failed first role RPC: kill -> promotion ${promotedAt - killedAt} ms; kill -> every subscriber follows ${allFollowAt - killedAt} ms; ` +
        `role broadcast to ${String(started?.['subscribers'])} subscribers acknowledged after ${String(done?.['ms'])} ms ` +
        `(resend interval ${HA_STATESTORED.update_statestore_rpc_resend_interval_ms} ms); role notifications failed=${failed} ok=${ok}\n`,
    );
    expect(applied).toMatchObject({ label: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT', action: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1', delayed: 0 });
    expect(applied?.['failed']).toBe(started?.['subscribers']);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeGreaterThanOrEqual(subscribers.length);
    expect(ok).toBeGreaterThanOrEqual(subscribers.length);
    // The first pass sent nothing, so the acknowledgements took at least one resend interval.
    expect(Number(done?.['ms'])).toBeGreaterThanOrEqual(HA_STATESTORED.update_statestore_rpc_resend_interval_ms - 5);
    // A killed process is crash evidence, so the takeover need not wait the 2 s peer timeout;
    // either way it comes after the kill and before every subscriber follows.
    expect(promotedAt).toBeGreaterThan(killedAt);
    expect(allFollowAt).toBeGreaterThanOrEqual(promotedAt);
    for (const d of subscribers) expect(await metric(d, 'statestore_subscriber_is_active_statestore', { statestore: '2' })).toBe(1);
  });
});

// Impala test_catalogd_ha.py settings (subscriber-id priority, fast designation checks); the
// same values as catalogd-ha.spec.ts uses.
const CATALOGD_HA_STATESTORED = {
  enable_catalogd_ha: true,
  use_subscriber_id_as_catalogd_priority: true,
  catalogd_ha_preemption_wait_period_ms: 5000,
  active_catalogd_designation_monitoring_interval_ms: 50,
  update_catalogd_rpc_resend_interval_ms: 50,
  statestore_max_missed_heartbeats: 20,
};

interface CatalogdStatus {
  address: string;
  is_active: boolean;
}
const catalogdStatus = (d: DaemonProcess): Promise<CatalogdStatus> => d.getJson<CatalogdStatus>('/status');
const followedCatalogd = async (c: DaemonProcess): Promise<string | null> => (await c.getJson<{ active_catalogd_address: string | null }>('/catalog')).active_catalogd_address;

async function catalogdRoles(catalogds: readonly DaemonProcess[]): Promise<[DaemonProcess, DaemonProcess]> {
  return eventually('exactly one active catalogd', async () => {
    const active = await Promise.all(catalogds.map(async (d) => (d.running ? (await catalogdStatus(d)).is_active : false)));
    const a = catalogds.filter((_, i) => active[i]);
    const s = catalogds.filter((_, i) => !active[i]);
    return a.length === 1 && s.length === 1 ? ([a[0], s[0]] as [DaemonProcess, DaemonProcess]) : undefined;
  });
}

describe('SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:FAIL@1.0: catalogd HA still fails over and every coordinator follows', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startTestCluster({
      ha: false,
      catalogds: 2,
      coordinators: 2,
      executors: 0,
      statestored: { ...CATALOGD_HA_STATESTORED, debug_actions: 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT:FAIL@1.0' },
      catalogd: { enable_catalogd_ha: true },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the first designation reaches the coordinators through the resend', async () => {
    const ss = cluster.get('statestored-1');
    const [active] = await catalogdRoles(cluster.byApp('catalogd'));
    const address = (await catalogdStatus(active)).address;
    for (const c of cluster.byApp('impalad')) await eventually(`${c.name} to follow ${address}`, async () => ((await followedCatalogd(c)) === address ? true : undefined));
    expect(await metric(ss, 'statestore_catalogd_notifications_total', { result: 'failed' })).toBeGreaterThan(0);
    expect(logLines(ss, 'debug action applied to first catalogd notifications').length).toBeGreaterThan(0);
  });

  it('kill the active catalogd: the new designation first fails to every receiver, then the standby is active and the coordinators follow it', async () => {
    const ss = cluster.get('statestored-1');
    const coordinators = cluster.byApp('impalad');
    const [oldActive, standby] = await catalogdRoles(cluster.byApp('catalogd'));
    const standbyAddress = (await catalogdStatus(standby)).address;
    const failedBefore = await metric(ss, 'statestore_catalogd_notifications_total', { result: 'failed' });
    const okBefore = await metric(ss, 'statestore_catalogd_notifications_total', { result: 'ok' });
    const roundsBefore = logLines(ss, 'debug action applied to first catalogd notifications').length;

    const killedAt = Date.now();
    await oldActive.kill();
    await eventually('the standby catalogd to become active', async () => ((await catalogdStatus(standby)).is_active ? true : undefined), 10_000, 10);
    const promotedMs = Date.now() - killedAt;
    for (const c of coordinators) await eventually(`${c.name} to follow ${standbyAddress}`, async () => ((await followedCatalogd(c)) === standbyAddress ? true : undefined), 10_000, 10);
    const followedMs = Date.now() - killedAt;

    // Receivers of the new designation: both coordinators and the surviving catalogd.
    const receivers = coordinators.length + 1;
    const okAfter = await eventually('every receiver to acknowledge the new designation', async () => {
      const ok = await metric(ss, 'statestore_catalogd_notifications_total', { result: 'ok' });
      return ok - okBefore >= receivers ? ok : undefined;
    });
    const failedAfter = await metric(ss, 'statestore_catalogd_notifications_total', { result: 'failed' });
    const rounds = logLines(ss, 'debug action applied to first catalogd notifications').slice(roundsBefore);
    process.stdout.write(
      `failed first catalogd RPC: kill -> standby catalogd active ${promotedMs} ms; kill -> both coordinators follow ${followedMs} ms ` +
        `(resend interval ${CATALOGD_HA_STATESTORED.update_catalogd_rpc_resend_interval_ms} ms); catalogd notifications during the failover failed=${failedAfter - failedBefore} ok=${okAfter - okBefore}\n`,
    );
    expect(rounds).toHaveLength(1);
    expect(rounds[0]).toMatchObject({ label: 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT', failed: receivers, delayed: 0 });
    expect(failedAfter - failedBefore).toBeGreaterThanOrEqual(receivers);
    // Detection is 20 missed 100 ms heartbeats (~2 s); Impala's own test allows 30 s.
    expect(followedMs).toBeLessThan(10_000);
  });
});

describe('STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:FAIL@1.0 on both statestoreds: the pair still forms with the configured active', () => {
  let cluster: Cluster;
  afterAll(async () => {
    await cluster?.stop();
  });

  it('each first handshake try fails, the retry after preemption wait / attempts settles the roles', async () => {
    cluster = await startHaCluster({ executors: 1, statestored: { debug_actions: 'DISABLE_STATESTORE_NETWORK|STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:FAIL@1.0' } });
    await waitForActive(cluster, 1);
    const [ss1, ss2] = [cluster.get('statestored-1'), cluster.get('statestored-2')];
    expect(await isActive(ss2)).toBe(false);
    await eventually('the pair to form', async () => ((await metric(ss1, 'statestore_peer_connected')) === 1 ? true : undefined));
    // The first try of each process failed (seq 1). A statestored that enters recovery mode
    // retries the handshake as a new series, whose first try fails too (Impala: every
    // SendHaHandshake call); on a loaded machine the active can get there at startup.
    const firstTries = (ss: DaemonProcess): unknown[] =>
      logLines(ss, 'debug action failed the first HA handshake attempt').filter((l) => l['pid'] === ss.pid).map((l) => l['seq']);
    for (const ss of [ss1, ss2]) expect(firstTries(ss)[0]).toBe(1);
    // A restarted standby's startup handshake fails first too, and it comes back as standby.
    await ss2.stop();
    ss2.start();
    await ss2.waitHealthy();
    await eventually('the pair to re-form', async () => ((await metric(ss1, 'statestore_peer_connected')) === 1 && (await metric(ss2, 'statestore_peer_connected')) === 1 ? true : undefined));
    await waitForActive(cluster, 1);
    expect(firstTries(ss2)[0]).toBe(1);
  });
});

describe('an unknown --debug_actions label', () => {
  it('stops statestored at startup with a message naming the label', async () => {
    const [grpcPort, webPort] = (await freePorts(2)) as [number, number];
    const ss = new DaemonProcess(
      {
        name: 'statestored-bad-debug-action',
        app: 'statestored',
        webPort,
        flags: { ...FAST_STATESTORED, state_store_port: grpcPort, webserver_port: webPort, debug_actions: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMP:FAIL@1.0' },
      },
      { distDir: DIST, logDir: mkdtempSync(join(tmpdir(), 'ss-debug-')) },
    );
    ss.start();
    const err = await ss.waitHealthy(10_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    await ss.close();
    expect(err).toBeInstanceOf(DaemonExitedError);
    expect(err).toMatchObject({ code: 2 });
    expect((err as DaemonExitedError).stderrTail).toContain('--debug_actions=SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMP:FAIL@1.0: unknown label "SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMP"');
  });
});
