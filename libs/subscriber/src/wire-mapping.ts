import type { TopicDelta, TopicRegistration } from '@statestore-ha/proto';
import type { TopicDeltaData, TopicSubscription } from '@statestore-ha/topics';

// The one place where wire types become the pure libs' types and back (STYLE.md §5: pure libs own
// their types; the edges map). Used by both sides of the link.

export function deltaFromWire(d: TopicDelta): TopicDeltaData {
  const out: TopicDeltaData = {
    topicName: d.topicName,
    entries: d.topicEntries.map((e) => ({ key: e.key, value: e.value, deleted: e.deleted })),
    isDelta: d.isDelta,
  };
  if (d.fromVersion !== undefined) out.fromVersion = d.fromVersion;
  if (d.toVersion !== undefined) out.toVersion = d.toVersion;
  if (d.minSubscriberTopicVersion !== undefined) out.minSubscriberTopicVersion = d.minSubscriberTopicVersion;
  if (d.clearTopicEntries !== undefined) out.clearTopicEntries = d.clearTopicEntries;
  return out;
}

export function deltaToWire(d: TopicDeltaData): TopicDelta {
  return {
    topicName: d.topicName,
    topicEntries: d.entries.map((e) => ({ key: e.key, value: Buffer.from(e.value.buffer, e.value.byteOffset, e.value.byteLength), deleted: e.deleted })),
    isDelta: d.isDelta,
    fromVersion: d.fromVersion,
    toVersion: d.toVersion,
    minSubscriberTopicVersion: d.minSubscriberTopicVersion,
    clearTopicEntries: d.clearTopicEntries,
  };
}

export function subscriptionFromWire(r: TopicRegistration): TopicSubscription {
  const s: TopicSubscription = {
    topicName: r.topicName,
    isTransient: r.isTransient,
    populateMinSubscriberTopicVersion: r.populateMinSubscriberTopicVersion,
  };
  if (r.filterPrefix !== undefined) s.filterPrefix = r.filterPrefix;
  return s;
}

export function subscriptionToWire(s: TopicSubscription): TopicRegistration {
  return {
    topicName: s.topicName,
    isTransient: s.isTransient,
    populateMinSubscriberTopicVersion: s.populateMinSubscriberTopicVersion,
    filterPrefix: s.filterPrefix,
  };
}
