import { TopicDelta, TopicRegistration } from '@statestore-ha/proto';
import type { TopicDeltaData, TopicSubscription } from '@statestore-ha/topics';
import { deltaFromWire, deltaToWire, subscriptionFromWire, subscriptionToWire } from './wire-mapping';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Through the real protobuf encoding, as the two ends of a link see it. */
function overTheWire(d: TopicDeltaData): TopicDeltaData {
  return deltaFromWire(TopicDelta.decode(TopicDelta.encode(deltaToWire(d)).finish()));
}

/** Entries with their values as plain arrays: Buffer and Uint8Array compare by content this way. */
function plain(d: TopicDeltaData): unknown {
  return { ...d, entries: d.entries.map((e) => ({ ...e, value: Array.from(e.value) })) };
}

describe('deltaToWire / deltaFromWire', () => {
  it('round-trips a delta with puts, a tombstone and every optional field, through protobuf', () => {
    const d: TopicDeltaData = {
      topicName: 'impala-membership',
      entries: [
        { key: 'impalad@h:27000', value: bytes('{"address":"h:27000"}'), deleted: false },
        { key: 'impalad@h:27001', value: new Uint8Array(), deleted: true },
      ],
      isDelta: true,
      fromVersion: 7,
      toVersion: 9,
      minSubscriberTopicVersion: 3,
      clearTopicEntries: false,
    };
    const back = overTheWire(d);
    expect(plain(back)).toEqual(plain(d));
    expect(back.entries[1]?.deleted).toBe(true);
  });

  it('keeps unset optional fields absent, not 0: a resync request is from_version alone', () => {
    const full: TopicDeltaData = { topicName: 'catalog-update', entries: [], isDelta: false };
    const back = overTheWire(full);
    expect(back).toEqual({ topicName: 'catalog-update', entries: [], isDelta: false });
    for (const k of ['fromVersion', 'toVersion', 'minSubscriberTopicVersion', 'clearTopicEntries']) expect(back).not.toHaveProperty(k);

    const resync = overTheWire({ topicName: 't', entries: [], isDelta: true, fromVersion: 12 });
    expect(resync).toEqual({ topicName: 't', entries: [], isDelta: true, fromVersion: 12 });
  });

  it('keeps a version of 0 and a clear of true as set (proto3 optional presence)', () => {
    const back = overTheWire({ topicName: 't', entries: [], isDelta: false, fromVersion: 0, toVersion: 0, clearTopicEntries: true });
    expect(back).toEqual({ topicName: 't', entries: [], isDelta: false, fromVersion: 0, toVersion: 0, clearTopicEntries: true });
  });

  it('sends only the bytes of a value that is a view into a larger buffer', () => {
    const big = bytes('xxhelloyy');
    const view = big.subarray(2, 7);
    const wire = deltaToWire({ topicName: 't', entries: [{ key: 'k', value: view, deleted: false }], isDelta: true });
    expect(Buffer.isBuffer(wire.topicEntries[0]?.value)).toBe(true);
    expect(wire.topicEntries[0]?.value.toString('utf8')).toBe('hello');
    const back = overTheWire({ topicName: 't', entries: [{ key: 'k', value: view, deleted: false }], isDelta: true });
    expect(new TextDecoder().decode(back.entries[0]?.value)).toBe('hello');
  });

  it('maps a wire delta field by field', () => {
    const wire: TopicDelta = {
      topicName: 't',
      topicEntries: [{ key: 'a', value: Buffer.from('1'), deleted: false }],
      isDelta: true,
      fromVersion: 1,
      toVersion: 2,
      minSubscriberTopicVersion: undefined,
      clearTopicEntries: undefined,
    };
    const d = deltaFromWire(wire);
    expect(plain(d)).toEqual({ topicName: 't', entries: [{ key: 'a', value: [0x31], deleted: false }], isDelta: true, fromVersion: 1, toVersion: 2 });
  });
});

describe('subscriptionToWire / subscriptionFromWire', () => {
  it('round-trips a subscription with a filter prefix through protobuf', () => {
    const s: TopicSubscription = { topicName: 'catalog-update', isTransient: false, populateMinSubscriberTopicVersion: true, filterPrefix: '1:' };
    expect(subscriptionFromWire(TopicRegistration.decode(TopicRegistration.encode(subscriptionToWire(s)).finish()))).toEqual(s);
  });

  it('leaves filterPrefix out when none was set, and keeps an empty prefix as set', () => {
    const none: TopicSubscription = { topicName: 'impala-membership', isTransient: true, populateMinSubscriberTopicVersion: false };
    const back = subscriptionFromWire(TopicRegistration.decode(TopicRegistration.encode(subscriptionToWire(none)).finish()));
    expect(back).toEqual(none);
    expect(back).not.toHaveProperty('filterPrefix');
    const empty = subscriptionFromWire(TopicRegistration.decode(TopicRegistration.encode(subscriptionToWire({ ...none, filterPrefix: '' })).finish()));
    expect(empty.filterPrefix).toBe('');
  });
});
