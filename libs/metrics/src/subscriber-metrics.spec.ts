import { Registry } from 'prom-client';
import { createSubscriberMetrics } from './subscriber-metrics';

function typesIn(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

describe('createSubscriberMetrics', () => {
  it('registers exactly the subscriber metric names, with their types', async () => {
    const registry = new Registry();
    createSubscriberMetrics(registry);
    expect(typesIn(await registry.metrics())).toEqual({
      statestore_subscriber_connected: 'gauge',
      statestore_subscriber_heartbeat_age_seconds: 'gauge',
      statestore_subscriber_registrations_total: 'counter',
      statestore_subscriber_is_active_statestore: 'gauge',
      statestore_subscriber_active_epoch: 'gauge',
      statestore_subscriber_failovers_total: 'counter',
      statestore_subscriber_last_failover_timestamp_seconds: 'gauge',
      statestore_subscriber_topic_update_resyncs_total: 'counter',
      statestore_subscriber_stale_epoch_rejections_total: 'counter',
    });
  });

  it('exports both links at 0 before they connect', async () => {
    const registry = new Registry();
    createSubscriberMetrics(registry);
    const lines = (await registry.metrics()).split('\n');
    for (const statestore of ['1', '2']) {
      expect(lines).toContain(`statestore_subscriber_connected{statestore="${statestore}"} 0`);
      expect(lines).toContain(`statestore_subscriber_is_active_statestore{statestore="${statestore}"} 0`);
      expect(lines).toContain(`statestore_subscriber_registrations_total{statestore="${statestore}"} 0`);
    }
  });

  it('reads heartbeat ages from the source at each scrape, and omits a link with none', async () => {
    const registry = new Registry();
    const metrics = createSubscriberMetrics(registry);
    const ageLines = async () => (await registry.metrics()).split('\n').filter((l) => l.startsWith('statestore_subscriber_heartbeat_age_seconds{'));

    expect(await ageLines()).toEqual([]);

    const ages: Record<string, number | undefined> = { '1': 0.25, '2': undefined };
    metrics.setHeartbeatAgeSource((slot) => ages[slot]);
    expect(await ageLines()).toEqual(['statestore_subscriber_heartbeat_age_seconds{statestore="1"} 0.25']);

    ages['1'] = 31;
    ages['2'] = 0.5;
    expect(await ageLines()).toEqual([
      'statestore_subscriber_heartbeat_age_seconds{statestore="1"} 31',
      'statestore_subscriber_heartbeat_age_seconds{statestore="2"} 0.5',
    ]);

    ages['1'] = undefined;
    expect(await ageLines()).toEqual(['statestore_subscriber_heartbeat_age_seconds{statestore="2"} 0.5']);
  });
});
