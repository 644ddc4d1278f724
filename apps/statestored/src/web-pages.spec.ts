import { createLogger } from '@statestore-ha/daemon';
import { CURRENT_PROTOCOL_VERSION, SubscriberType, type TopicRegistration } from '@statestore-ha/proto';
import { ALWAYS_ACTIVE } from './role-view';
import { Statestore } from './statestore';
import type { SessionLink, SubscriberSession } from './subscriber-session';
import { subscribersPage, topicsPage } from './web-pages';
import { quietObserver } from './statestore.spec-helper';

const link = (): SessionLink => ({ send: () => true, onDrain: () => undefined, close: () => undefined });

function statestore(clock: { now: number }): Statestore {
  return new Statestore(
    { heartbeatFrequencyMs: 1000, maxMissedHeartbeats: 10, updateFrequencyMs: 2000, priorityUpdateFrequencyMs: 100, maxSubscribers: 10, updateTimeoutMs: 10_000, maxTopicValueBytes: 1 << 20, enableCatalogdHa: false },
    ALWAYS_ACTIVE,
    quietObserver,
    createLogger('statestored', 'silent'),
    () => clock.now,
    'ss-page',
  );
}

function register(core: Statestore, id: string, type: SubscriberType, topics: TopicRegistration[], location = { hostname: 'h', port: 27000 }): SubscriberSession {
  const out = core.register({ protocolVersion: CURRENT_PROTOCOL_VERSION, subscriberId: id, subscriberLocation: location, topicRegistrations: topics, subscriberType: type, subscribeCatalogdChange: false, highestEpochSeen: 0 }, link());
  if ('code' in out) throw new Error(out.message);
  return out;
}

const reg = (topicName: string, isTransient: boolean): TopicRegistration => ({ topicName, isTransient, populateMinSubscriberTopicVersion: false });
const item = (key: string, value: string, deleted = false): { key: string; value: Buffer; deleted: boolean } => ({ key, value: Buffer.from(value), deleted });

describe('subscribersPage', () => {
  it("lists every registration with Impala's fields plus type and link state", () => {
    const clock = { now: 10_000 };
    const core = statestore(clock);
    const coord = register(core, 'impalad@h:27000', SubscriberType.SUBSCRIBER_TYPE_COORDINATOR, [reg('impala-membership', true), reg('catalog-update', false)]);
    core.published(coord, { seq: 1, topicUpdates: [{ topicName: 'impala-membership', topicEntries: [item('impalad@h:27000', 'me')], isDelta: true }] });
    const cat = register(core, 'catalog-server@h:26000', SubscriberType.SUBSCRIBER_TYPE_CATALOGD, [reg('catalog-update', false)], { hostname: 'c', port: 23020 });
    clock.now = 12_500;
    core.linkClosed(cat, cat.link as SessionLink);
    expect(subscribersPage(core, clock.now)).toEqual({
      statestore_id: 'ss-page',
      num_subscribers: 2,
      subscribers: [
        {
          id: 'impalad@h:27000',
          address: 'h:27000',
          type: 'SUBSCRIBER_TYPE_COORDINATOR',
          num_topics: 2,
          num_priority_topics: 1,
          num_transient: 1,
          registration_id: coord.registrationId,
          secs_since_heartbeat: 2.5,
          missed_heartbeats: 0,
          link_connected: true,
        },
        {
          id: 'catalog-server@h:26000',
          address: 'c:23020',
          type: 'SUBSCRIBER_TYPE_CATALOGD',
          num_topics: 1,
          num_priority_topics: 0,
          num_transient: 0,
          registration_id: cat.registrationId,
          secs_since_heartbeat: 2.5,
          missed_heartbeats: 0,
          link_connected: false,
        },
      ],
    });
  });

  it('shows an empty address for a subscriber that sent no location, and an empty list with none', () => {
    const clock = { now: 0 };
    const core = statestore(clock);
    expect(subscribersPage(core, 0)).toEqual({ statestore_id: 'ss-page', num_subscribers: 0, subscribers: [] });
    const out = core.register({ protocolVersion: CURRENT_PROTOCOL_VERSION, subscriberId: 'x', topicRegistrations: [], subscriberType: SubscriberType.SUBSCRIBER_TYPE_EXECUTOR, subscribeCatalogdChange: false, highestEpochSeen: 0 }, link());
    expect('code' in out).toBe(false);
    expect(subscribersPage(core, 0)).toMatchObject({ subscribers: [{ id: 'x', address: '', num_topics: 0 }] });
  });
});

describe('topicsPage', () => {
  it("lists each topic with Impala's fields; num_entries counts tombstones, num_live_entries does not", () => {
    const core = statestore({ now: 0 });
    const s = register(core, 'impalad@h:27000', SubscriberType.SUBSCRIBER_TYPE_COORDINATOR, [reg('impala-membership', true), reg('catalog-update', false)]);
    core.published(s, {
      seq: 1,
      topicUpdates: [
        { topicName: 'catalog-update', topicEntries: [item('ab', '123'), item('cd', '4567')], isDelta: true },
        { topicName: 'impala-membership', topicEntries: [item('m', 'x')], isDelta: true },
      ],
    });
    core.published(s, { seq: 2, topicUpdates: [{ topicName: 'catalog-update', topicEntries: [item('ab', '', true)], isDelta: true }] });
    const page = topicsPage(core) as { num_topics: number; topics: Array<Record<string, unknown>> };
    expect(page.num_topics).toBe(2);
    const byId = new Map(page.topics.map((t) => [t.topic_id, t]));
    expect(byId.get('catalog-update')).toMatchObject({
      topic_id: 'catalog-update',
      num_entries: 2,
      num_live_entries: 1,
      version: 3,
      key_size_bytes: 4,
      value_size_bytes: 4,
      total_size_bytes: 8,
      prioritized: false,
    });
    expect(byId.get('impala-membership')).toMatchObject({ num_entries: 1, num_live_entries: 1, version: 1, key_size_bytes: 1, value_size_bytes: 1, prioritized: true });
    for (const t of page.topics) expect(Object.keys(t).sort()).toEqual(['key_size_bytes', 'num_entries', 'num_live_entries', 'oldest_id', 'oldest_version', 'prioritized', 'topic_id', 'total_size_bytes', 'value_size_bytes', 'version'].sort());
  });
});
