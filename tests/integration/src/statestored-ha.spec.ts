import type { Cluster } from '@statestore-ha/cluster';
import { followed, inRecovery, isActive, setNetworkDisabled, startHaCluster, waitForActive } from './ha-cluster';
import { logLines } from './log-lines';
import { metricValue } from './metric-value';
import { eventually } from './test-cluster';

const roleChanges = async (cluster: Cluster, name: string, to: 'active' | 'standby'): Promise<number> =>
  metricValue(await cluster.get(name).getText('/metrics'), 'statestore_role_changes_total', { to }) ?? 0;

describe('statestored HA: Impala test_statestored_ha.py scenarios on real processes', () => {
  describe('two statestoreds, kill and restart', () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startHaCluster();
    });
    afterAll(async () => {
      await cluster?.stop();
    });

    it('picks the configured one (address priority) as active and every subscriber follows it', async () => {
      await waitForActive(cluster, 1);
      expect(await isActive(cluster.get('statestored-2'))).toBe(false);
      const m = await cluster.get('coordinator-1').getText('/metrics');
      expect(metricValue(m, 'statestore_subscriber_is_active_statestore', { statestore: '1' })).toBe(1);
      expect(metricValue(m, 'statestore_subscriber_is_active_statestore', { statestore: '2' })).toBe(0);
      expect(metricValue(await cluster.get('statestored-1').getText('/metrics'), 'statestore_peer_connected')).toBe(1);
    });

    it('restarting the standby changes no role', async () => {
      const ss2 = cluster.get('statestored-2');
      await ss2.stop();
      ss2.start();
      await ss2.waitHealthy();
      await waitForActive(cluster, 1);
      await eventually('the pair to re-form', async () => (metricValue(await cluster.get('statestored-1').getText('/metrics'), 'statestore_peer_connected') === 1 ? true : undefined));
      expect(await roleChanges(cluster, 'statestored-1', 'standby')).toBe(0);
    });

    it('kill the active: the standby takes over and every subscriber follows, membership intact', async () => {
      const killedAt = Date.now();
      await cluster.get('statestored-1').kill();
      await waitForActive(cluster, 2);
      const ss2 = await cluster.get('statestored-2').getText('/metrics');
      const promotedAt = (metricValue(ss2, 'statestore_last_role_change_timestamp_seconds') ?? 0) * 1000;
      const follows = await Promise.all(
        cluster.daemons.filter((d) => d.spec.app !== 'statestored').map(async (d) => (metricValue(await d.getText('/metrics'), 'statestore_subscriber_last_failover_timestamp_seconds') ?? 0) * 1000),
      );
      const allFollowAt = Math.max(...follows);
      const [promotion] = logLines(cluster.get('statestored-2'), 'role changed').filter((l) => l['to'] === 'active');
      process.stdout.write(
        `kill -> promotion ${promotedAt - killedAt} ms (${String(promotion?.['reason'])}); kill -> every subscriber follows ${allFollowAt - killedAt} ms (each: ${follows.map((f) => f - killedAt).join(', ')} ms; peer timeout 2000 ms)\n`,
      );
      // A SIGKILLed process is crash evidence (its ports refuse connects): the standby takes over
      // without waiting out the 2 s peer timeout (statestore_ha_takeover_on_crash_evidence).
      expect(promotion).toMatchObject({ from: 'standby', to: 'active', reason: 'crashEvidence' });
      expect(promotedAt - killedAt).toBeLessThan(1500);
      expect(allFollowAt).toBeGreaterThanOrEqual(promotedAt);
      expect(metricValue(ss2, 'statestore_failover_duration_seconds_count')).toBe(1);
      for (const d of cluster.byApp('impalad')) {
        await eventually(`${d.name} membership of 3 on the new active`, async () =>
          (await d.getJson<{ members: unknown[] }>('/membership')).members.length === 3 ? true : undefined);
      }
    });

    it('the restarted old active comes back as standby (no flip-flop)', async () => {
      const ss1 = cluster.get('statestored-1');
      ss1.start();
      await ss1.waitHealthy();
      await eventually('ss1 to settle as standby with its peer', async () => (metricValue(await ss1.getText('/metrics'), 'statestore_peer_connected') === 1 ? true : undefined));
      await waitForActive(cluster, 2);
      expect(await isActive(ss1)).toBe(false);
    });

    it('restarted with --statestore_force_active it takes the role back (manual failover)', async () => {
      const ss1 = cluster.get('statestored-1');
      await ss1.stop();
      ss1.start({ statestore_force_active: true });
      await ss1.waitHealthy();
      await waitForActive(cluster, 1);
      for (const d of cluster.byApp('impalad')) {
        await eventually(`${d.name} membership of 3`, async () => ((await d.getJson<{ members: unknown[] }>('/membership')).members.length === 3 ? true : undefined));
      }
    });
  });

  describe('disabling the active statestored network', () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startHaCluster();
      await waitForActive(cluster, 1);
    });
    afterAll(async () => {
      await cluster?.stop();
    });

    it('the standby takes over, the old active enters recovery, then rejoins as standby', async () => {
      const [ss1, ss2] = [cluster.get('statestored-1'), cluster.get('statestored-2')];
      await setNetworkDisabled(ss1, true);
      await waitForActive(cluster, 2);
      await eventually('ss1 in recovery mode', async () => ((await inRecovery(ss1)) ? true : undefined));
      await setNetworkDisabled(ss1, false);
      await eventually('ss1 to leave recovery', async () => (!(await inRecovery(ss1)) ? true : undefined));
      await waitForActive(cluster, 2);
      expect(await isActive(ss1)).toBe(false);
      expect(await isActive(ss2)).toBe(true);
    });

    it('disabling the standby network: it enters recovery and leaves it when re-enabled, roles unchanged', async () => {
      const ss1 = cluster.get('statestored-1');
      await setNetworkDisabled(ss1, true);
      await eventually('standby ss1 in recovery', async () => ((await inRecovery(ss1)) ? true : undefined), 30_000);
      await setNetworkDisabled(ss1, false);
      await eventually('ss1 to leave recovery', async () => (!(await inRecovery(ss1)) ? true : undefined), 30_000);
      await waitForActive(cluster, 2);
    });
  });

  describe('a lone statestored with HA on', () => {
    let cluster: Cluster;
    afterAll(async () => {
      await cluster?.stop();
    });

    it('becomes active after the preemption wait', async () => {
      cluster = await startHaCluster({ executors: 1 });
      await cluster.get('statestored-2').kill();
      const ss1 = cluster.get('statestored-1');
      await ss1.stop();
      const started = Date.now();
      ss1.start();
      await ss1.waitHealthy();
      await eventually('ss1 active alone', async () => ((await isActive(ss1)) ? true : undefined));
      // statestore_ha_preemption_wait_period_ms=1000: the role is settled only after it.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      for (const d of cluster.daemons.filter((x) => x.spec.app !== 'statestored')) {
        await eventually(`${d.name} follows ss1`, async () => ((await followed(d)) === 1 ? true : undefined));
      }
    });
  });
});
