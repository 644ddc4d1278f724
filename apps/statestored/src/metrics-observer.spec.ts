import { createLogger } from '@statestore-ha/daemon';
import { createRegistry, createStatestoredMetrics, type StatestoredMetrics } from '@statestore-ha/metrics';
import { CURRENT_PROTOCOL_VERSION, SubscriberType } from '@statestore-ha/proto';
import { metricsObserver, refreshTopicGauges } from './metrics-observer';
import { ALWAYS_ACTIVE } from './role-view';
import { Statestore } from './statestore';

type Metric = { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown>; metricName?: string }> }> };

async function value(m: Metric, labels: Record<string, string> = {}, metricName?: string): Promise<number | undefined> {
  const { values } = await m.get();
  return values.find((v) => (metricName === undefined || v.metricName === metricName) && Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

const metrics = (): StatestoredMetrics => createStatestoredMetrics(createRegistry('statestored'));

describe('metricsObserver', () => {
  it('maps each core event to its metric', async () => {
    const m = metrics();
    const o = metricsObserver(m);
    o.subscribersChanged(4);
    o.heartbeatFailed();
    o.heartbeatFailed();
    o.registrationRejected('max_subscribers');
    o.topicEntriesCleared();
    o.heartbeatAnswered(0.003);
    o.topicUpdateAnswered(true, 0.01);
    o.topicUpdateAnswered(false, 0.2);
    o.topicUpdateAnswered(false, 0.4);
    expect(await value(m.liveSubscribers)).toBe(4);
    expect(await value(m.heartbeatFailures)).toBe(2);
    expect(await value(m.registrationsRejected, { reason: 'max_subscribers' })).toBe(1);
    expect(await value(m.clearTopicEntriesRequests)).toBe(1);
    expect(await value(m.heartbeatDuration, {}, 'statestore_heartbeat_duration_seconds_count')).toBe(1);
    expect(await value(m.topicUpdateDuration, { priority: 'true' }, 'statestore_topic_update_duration_seconds_count')).toBe(1);
    expect(await value(m.topicUpdateDuration, { priority: 'false' }, 'statestore_topic_update_duration_seconds_count')).toBe(2);
    expect(await value(m.topicUpdateDuration, { priority: 'false' }, 'statestore_topic_update_duration_seconds_sum')).toBeCloseTo(0.6);
  });
});

describe('refreshTopicGauges', () => {
  it('sets live entries and total size per topic from the store', async () => {
    const m = metrics();
    const core = new Statestore(
      { heartbeatFrequencyMs: 1000, maxMissedHeartbeats: 10, updateFrequencyMs: 2000, priorityUpdateFrequencyMs: 100, maxSubscribers: 10, updateTimeoutMs: 10_000, maxTopicValueBytes: 1 << 20, enableCatalogdHa: false },
      ALWAYS_ACTIVE,
      metricsObserver(m),
      createLogger('statestored', 'silent'),
      () => 0,
      'ss',
    );
    const s = core.register(
      {
        protocolVersion: CURRENT_PROTOCOL_VERSION,
        subscriberId: 'a',
        topicRegistrations: [{ topicName: 'catalog-update', isTransient: false, populateMinSubscriberTopicVersion: false }],
        subscriberType: SubscriberType.SUBSCRIBER_TYPE_CATALOGD,
        subscribeCatalogdChange: false,
        highestEpochSeen: 0,
      },
      { send: () => true, onDrain: () => undefined, close: () => undefined },
    );
    if ('code' in s) throw new Error(s.message);
    core.published(s, {
      seq: 1,
      topicUpdates: [{ topicName: 'catalog-update', isDelta: true, topicEntries: [{ key: 'ab', value: Buffer.from('123'), deleted: false }, { key: 'c', value: Buffer.from('4'), deleted: false }] }],
    });
    core.published(s, { seq: 2, topicUpdates: [{ topicName: 'catalog-update', isDelta: true, topicEntries: [{ key: 'c', value: Buffer.alloc(0), deleted: true }] }] });
    refreshTopicGauges(m, core);
    expect(await value(m.topicEntries, { topic: 'catalog-update' })).toBe(1);
    // Keys 'ab' + 'c' (a tombstone keeps its key) and the value '123'.
    expect(await value(m.topicSizeBytes, { topic: 'catalog-update' })).toBe(6);
    expect(await value(m.liveSubscribers)).toBe(1);
  });
});
