import type { Cluster } from '@statestore-ha/cluster';
import { freePorts } from '@statestore-ha/cluster';
import { followed, isActive, startHaCluster, waitForActive } from './ha-cluster';
import { metricValue } from './metric-value';
import { TcpForwarder } from './tcp-forwarder';
import { eventually } from './test-cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cutting only the statestored <-> statestored link', () => {
  let cluster: Cluster | undefined;
  const forwarders: TcpForwarder[] = [];
  afterAll(async () => {
    for (const f of forwarders) await f.cut();
    await cluster?.stop();
  });

  it('causes no takeover: subscribers still see the active, so the majority rule holds the standby back', async () => {
    const [f1, f2] = (await freePorts(2)) as [number, number];
    cluster = await startHaCluster({}, (specs, ports) => {
      // Each statestored reaches its peer's HA port through a forwarder the test can cut.
      const ss1 = specs.find((s) => s.name === 'statestored-1')!;
      const ss2 = specs.find((s) => s.name === 'statestored-2')!;
      ss1.flags = { ...ss1.flags, state_store_peer_ha_port: f1 };
      ss2.flags = { ...ss2.flags, state_store_peer_ha_port: f2 };
      forwarders.push(new TcpForwarder(f1, ports.statestoreHa[1]), new TcpForwarder(f2, ports.statestoreHa[0]));
      // Listening before the daemons start (net.Server binds inside listen()), so the startup
      // handshake finds the peer and statestored-1 wins by address priority.
      for (const f of forwarders) void f.open();
    });
    await waitForActive(cluster, 1);
    const [ss1, ss2] = [cluster.get('statestored-1'), cluster.get('statestored-2')];
    await eventually('the pair to form', async () => (metricValue(await ss2.getText('/metrics'), 'statestore_peer_connected') === 1 ? true : undefined));

    const promotionsBefore = metricValue(await ss2.getText('/metrics'), 'statestore_role_changes_total', { to: 'active' });
    for (const f of forwarders) await f.cut();
    // Three peer timeouts (2 s each): the standby's detector has long said FAILED by then.
    await sleep(6000);
    expect(await isActive(ss1)).toBe(true);
    expect(await isActive(ss2)).toBe(false);
    expect(metricValue(await ss2.getText('/metrics'), 'statestore_role_changes_total', { to: 'active' })).toBe(promotionsBefore);
    expect(metricValue(await ss1.getText('/metrics'), 'statestore_peer_connected')).toBe(0);
    for (const d of cluster.daemons.filter((x) => x.spec.app !== 'statestored')) expect(await followed(d)).toBe(1);

    // Heal: the standby re-handshakes (beyond Impala, where found_peer_ never comes back) and the
    // pair re-forms with the same active.
    await Promise.all(forwarders.map((f) => f.open()));
    await eventually('the pair to re-form', async () =>
      metricValue(await ss1.getText('/metrics'), 'statestore_peer_connected') === 1 && metricValue(await ss2.getText('/metrics'), 'statestore_peer_connected') === 1 ? true : undefined,
    );
    await waitForActive(cluster, 1);
    expect(metricValue(await ss2.getText('/metrics'), 'statestore_role_changes_total', { to: 'active' })).toBe(promotionsBefore);
  });
});
