import { createRegistry, createSubscriberMetrics } from '@statestore-ha/metrics';
import type { StatestoreSubscriber } from './statestore-subscriber';
import { subscriberObserver } from './subscriber-metrics-observer';

async function value(registry: ReturnType<typeof createRegistry>, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = m?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value;
}

function setup(ages: Record<number, number | undefined> = {}): { registry: ReturnType<typeof createRegistry>; obs: ReturnType<typeof subscriberObserver> } {
  const registry = createRegistry('impalad');
  const sub = { heartbeatAgeSeconds: (i: number) => ages[i] } as unknown as StatestoreSubscriber;
  return { registry, obs: subscriberObserver(createSubscriberMetrics(registry), () => sub) };
}

describe('subscriberObserver', () => {
  it('sets connected per statestored slot', async () => {
    const { registry, obs } = setup();
    obs.connected(2, true);
    expect(await value(registry, 'statestore_subscriber_connected', { statestore: '2' })).toBe(1);
    expect(await value(registry, 'statestore_subscriber_connected', { statestore: '1' })).toBe(0);
    obs.connected(2, false);
    expect(await value(registry, 'statestore_subscriber_connected', { statestore: '2' })).toBe(0);
  });

  it('counts registrations per slot', async () => {
    const { registry, obs } = setup();
    obs.registered(1);
    obs.registered(1);
    expect(await value(registry, 'statestore_subscriber_registrations_total', { statestore: '1' })).toBe(2);
  });

  it('on an active change marks only the new active, sets the epoch, and counts a failover with its time', async () => {
    const { registry, obs } = setup();
    obs.activeChanged({ from: undefined, to: 1, epoch: 3, failover: false }, 1_000_000);
    expect(await value(registry, 'statestore_subscriber_is_active_statestore', { statestore: '1' })).toBe(1);
    expect(await value(registry, 'statestore_subscriber_is_active_statestore', { statestore: '2' })).toBe(0);
    expect(await value(registry, 'statestore_subscriber_failovers_total')).toBe(0);
    obs.activeChanged({ from: 1, to: 2, epoch: 4, failover: true }, 2_500_000);
    expect(await value(registry, 'statestore_subscriber_is_active_statestore', { statestore: '1' })).toBe(0);
    expect(await value(registry, 'statestore_subscriber_is_active_statestore', { statestore: '2' })).toBe(1);
    expect(await value(registry, 'statestore_subscriber_active_epoch')).toBe(4);
    expect(await value(registry, 'statestore_subscriber_failovers_total')).toBe(1);
    expect(await value(registry, 'statestore_subscriber_last_failover_timestamp_seconds')).toBe(2500);
    obs.activeChanged({ from: 2, to: undefined, epoch: 4, failover: false }, 3_000_000);
    expect(await value(registry, 'statestore_subscriber_is_active_statestore', { statestore: '2' })).toBe(0);
  });

  it('counts resyncs and stale epoch rejections', async () => {
    const { registry, obs } = setup();
    obs.resyncRequested('catalog-update');
    obs.staleEpochRejected();
    obs.staleEpochRejected();
    expect(await value(registry, 'statestore_subscriber_topic_update_resyncs_total')).toBe(1);
    expect(await value(registry, 'statestore_subscriber_stale_epoch_rejections_total')).toBe(2);
  });

  it('reads heartbeat ages from the subscriber at scrape time; no series before a first heartbeat', async () => {
    const ages: Record<number, number | undefined> = { 1: 0.25, 2: undefined };
    const { registry } = setup(ages);
    expect(await value(registry, 'statestore_subscriber_heartbeat_age_seconds', { statestore: '1' })).toBe(0.25);
    expect(await value(registry, 'statestore_subscriber_heartbeat_age_seconds', { statestore: '2' })).toBeUndefined();
    ages[1] = 1.5;
    expect(await value(registry, 'statestore_subscriber_heartbeat_age_seconds', { statestore: '1' })).toBe(1.5);
  });
});
