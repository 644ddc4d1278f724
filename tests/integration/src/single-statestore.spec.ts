import type { Cluster, DaemonProcess } from '@statestore-ha/cluster';
import { eventually, startTestCluster } from './test-cluster';

interface Membership { members: Array<{ id: string }> }
interface TopicsPage { topics: Array<{ topic_id: string; num_live_entries: number; version: number }> }
interface SubscribersPage { subscribers: Array<{ id: string; registration_id: string; num_transient: number }> }

const members = async (d: DaemonProcess): Promise<string[]> => (await d.getJson<Membership>('/membership')).members.map((m) => m.id);
const tables = async (d: DaemonProcess): Promise<string[]> => (await d.getJson<{ tables: string[] }>('/catalog')).tables;
const topic = async (ss: DaemonProcess, name: string) => (await ss.getJson<TopicsPage>('/topics')).topics.find((t) => t.topic_id === name);

describe('one statestored, catalogd, 3 coordinators, 2 executors (real processes, real gRPC)', () => {
  let cluster: Cluster;
  let ss: DaemonProcess;
  let coordinators: DaemonProcess[];
  const impalads = () => cluster.byApp('impalad');

  beforeAll(async () => {
    cluster = await startTestCluster({ ha: false, coordinators: 3, executors: 2 });
    ss = cluster.get('statestored-1');
    coordinators = impalads().filter((d) => d.name.startsWith('coordinator'));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('every impalad sees all five backends in impala-membership', async () => {
    for (const d of impalads()) {
      await eventually(`${d.name} to see 5 members`, async () => ((await members(d)).length === 5 ? true : undefined));
    }
    const subs = await ss.getJson<SubscribersPage>('/subscribers');
    expect(subs.subscribers).toHaveLength(6);
    expect(subs.subscribers.filter((s) => s.id.startsWith('impalad@')).every((s) => s.num_transient === 1)).toBe(true);
  });

  it('a catalogd change reaches every coordinator', async () => {
    const catalogd = cluster.get('catalogd-1');
    const res = await fetch(`${catalogd.webUrl}/api/tables`, { method: 'POST', body: JSON.stringify({ name: 'db.sales', columns: [{ name: 'id', type: 'BIGINT' }] }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { catalog_version: number; published_to_statestore: boolean };
    expect(body.published_to_statestore).toBe(true);
    for (const c of coordinators) {
      await eventually(`${c.name} to see db.sales`, async () => ((await tables(c)).includes('db.sales') ? true : undefined));
      expect((await c.getJson<{ catalog_version: number }>('/catalog')).catalog_version).toBe(body.catalog_version);
    }
    const drop = await fetch(`${catalogd.webUrl}/api/tables?name=db.sales`, { method: 'DELETE' });
    expect(drop.status).toBe(200);
    for (const c of coordinators) {
      await eventually(`${c.name} to drop db.sales`, async () => ((await tables(c)).includes('db.sales') ? undefined : true));
    }
  });

  it('/metrics, /subscribers and /topics show real data', async () => {
    const metrics = await ss.getText('/metrics');
    for (const name of [
      'statestore_live_subscribers',
      'statestore_heartbeat_duration_seconds_bucket',
      'statestore_heartbeat_failures_total',
      'statestore_topic_update_duration_seconds_bucket',
      'statestore_topic_entries',
      'statestore_topic_size_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/^statestore_live_subscribers(\{[^}]*\})? 6$/m);
    expect(metrics).toMatch(/^statestore_topic_entries\{[^}]*topic="impala-membership"[^}]*\} 5$/m);
    const t = await topic(ss, 'impala-membership');
    expect(t?.num_live_entries).toBe(5);
    const coordMetrics = await coordinators[0]!.getText('/metrics');
    expect(coordMetrics).toMatch(/^impalad_membership_size(\{[^}]*\})? 5$/m);
    expect(coordMetrics).toMatch(/^statestore_subscriber_connected\{[^}]*statestore="1"[^}]*\} 1$/m);
  });

  it('a killed executor leaves every membership view after max-missed heartbeats, with its transient entry', async () => {
    const victim = cluster.get('executor-2');
    const victimId = (await members(victim)).find((id) => id.includes(String(victim.spec.flags['krpc_port'])));
    expect(victimId).toBeDefined();
    const killedAt = Date.now();
    await victim.kill();
    for (const d of impalads().filter((x) => x !== victim)) {
      await eventually(`${d.name} to drop ${victimId}`, async () => ((await members(d)).includes(victimId!) ? undefined : true));
    }
    const elapsed = Date.now() - killedAt;
    // 5 missed heartbeats at 100 ms: not before ~400 ms (the first miss can come right after the kill).
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect((await topic(ss, 'impala-membership'))?.num_live_entries).toBe(4);
    const subs = await ss.getJson<SubscribersPage>('/subscribers');
    expect(subs.subscribers.map((s) => s.id)).not.toContain(victimId);
    process.stdout.write(`killed executor left all views after ${elapsed} ms (5 x 100 ms heartbeats)\n`);
  });

  it('a restarted statestored gets its state back as subscribers republish', async () => {
    const catalogd = cluster.get('catalogd-1');
    await fetch(`${catalogd.webUrl}/api/tables`, { method: 'POST', body: JSON.stringify({ name: 'db.kept' }) });
    await eventually('coordinator to see db.kept', async () => ((await tables(coordinators[0]!)).includes('db.kept') ? true : undefined));
    expect(await ss.stop()).toBe(0);
    ss.start();
    await ss.waitHealthy();
    await eventually('membership to be republished', async () => ((await topic(ss, 'impala-membership'))?.num_live_entries === 4 ? true : undefined));
    await eventually('catalog to be republished', async () => {
      const page = await ss.getJson<TopicsPage>('/topics');
      const cat = page.topics.find((t) => t.topic_id === 'catalog-update');
      return cat !== undefined && cat.num_live_entries >= 2 ? true : undefined;
    });
    for (const c of coordinators) {
      await eventually(`${c.name} to see db.kept after the restart`, async () => ((await tables(c)).includes('db.kept') ? true : undefined));
    }
    const coordMetrics = await coordinators[0]!.getText('/metrics');
    expect(coordMetrics).toMatch(/^statestore_subscriber_registrations_total\{[^}]*statestore="1"[^}]*\} 2$/m);
  });

  it('every daemon stops cleanly on SIGTERM (exit code 0)', async () => {
    const codes = await Promise.all(cluster.daemons.filter((d) => d.running).map(async (d) => [d.name, await d.stop()] as const));
    for (const [name, code] of codes) expect({ name, code }).toEqual({ name, code: 0 });
  });
});
