import { startCluster, metric, until } from './bench-cluster';
import { fmt, summarize } from './stats';

/**
 * Issue #3's report: with statestore_peer_timeout_seconds=2 and 100 ms HA monitoring, kill the
 * active statestored N times and measure (a) kill -> promotion of the standby (its
 * statestore_last_role_change_timestamp_seconds) and (b) kill -> every subscriber follows the new
 * active (the latest statestore_subscriber_last_failover_timestamp_seconds), each also as a ratio
 * to the 2 s bound. The killed one is restarted (it comes back as standby) before the next round.
 */
export async function failoverBench(args: { rounds: number; peerTimeoutSeconds: number; monitoringMs: number; executors: number }): Promise<void> {
  const cluster = await startCluster({
    ha: true,
    executors: args.executors,
    statestored: {
      use_network_address_as_statestore_priority: true,
      statestore_ha_heartbeat_monitoring_frequency_ms: args.monitoringMs,
      statestore_peer_timeout_seconds: args.peerTimeoutSeconds,
      statestore_ha_preemption_wait_period_ms: 1000,
      statestore_heartbeat_frequency_ms: 100,
    },
    subscriber: { statestore_subscriber_timeout_seconds: args.peerTimeoutSeconds },
  });
  const bound = args.peerTimeoutSeconds * 1000;
  const subscribers = cluster.daemons.filter((d) => d.spec.app !== 'statestored');
  const toPromotion: number[] = [];
  const toAllFollow: number[] = [];
  try {
    const activeIndex = async (): Promise<number | undefined> => {
      for (const i of [1, 2]) {
        const d = cluster.get(`statestored-${i}`);
        if (d.running && metric(await d.getText('/metrics'), 'statestore_is_active') === 1) return i;
      }
      return undefined;
    };
    for (let round = 0; round < args.rounds; round++) {
      const active = await until('an active statestored', activeIndex);
      const standby = active === 1 ? 2 : 1;
      const standbyD = cluster.get(`statestored-${standby}`);
      await until('pair formed', async () => (metric(await standbyD.getText('/metrics'), 'statestore_peer_connected') === 1 ? true : undefined));
      // Every subscriber registered with the standby too (after a restart they come back with
      // backoff): one that is not yet would learn of the takeover only when it registers.
      await until('all subscribers registered with the standby', async () =>
        metric(await standbyD.getText('/metrics'), 'statestore_live_subscribers') === subscribers.length ? true : undefined);
      await Promise.all(subscribers.map((d) => until(`${d.name} follows ${active}`, async () => ((await d.getJson<{ statestore: { active?: number } }>('/status')).statestore.active === active ? true : undefined))));
      const killedAt = Date.now();
      await cluster.get(`statestored-${active}`).kill();
      await until('promotion', async () => (metric(await standbyD.getText('/metrics'), 'statestore_is_active') === 1 ? true : undefined));
      const promotedAt = (metric(await standbyD.getText('/metrics'), 'statestore_last_role_change_timestamp_seconds') ?? 0) * 1000;
      const followAt = await Promise.all(
        subscribers.map((d) =>
          until(`${d.name} follows ${standby}`, async () => {
            const st = await d.getJson<{ statestore: { active?: number } }>('/status');
            if (st.statestore.active !== standby) return undefined;
            return (metric(await d.getText('/metrics'), 'statestore_subscriber_last_failover_timestamp_seconds') ?? 0) * 1000;
          }),
        ),
      );
      toPromotion.push(promotedAt - killedAt);
      toAllFollow.push(Math.max(...followAt) - killedAt);
      process.stdout.write(`round ${round + 1}: kill -> promotion ${fmt(promotedAt - killedAt)}, kill -> all ${subscribers.length} subscribers follow ${fmt(Math.max(...followAt) - killedAt)}\n`);
      const killed = cluster.get(`statestored-${active}`);
      killed.start();
      await killed.waitHealthy();
    }
    const a = summarize(toPromotion);
    const b = summarize(toAllFollow);
    const r = (ms: number): string => (ms / bound).toFixed(3);
    process.stdout.write(
      `\n${args.rounds} kills, statestore_peer_timeout_seconds=${args.peerTimeoutSeconds}, monitoring ${args.monitoringMs} ms, ${subscribers.length} subscribers\n` +
        `(a) kill -> promotion:          median ${fmt(a.median)} (${r(a.median)} x bound)  max ${fmt(a.max)} (${r(a.max)} x bound)  min ${fmt(a.min)}\n` +
        `(b) kill -> all subscribers:    median ${fmt(b.median)} (${r(b.median)} x bound)  max ${fmt(b.max)} (${r(b.max)} x bound)  min ${fmt(b.min)}\n`,
    );
  } finally {
    await cluster.stop();
  }
}
