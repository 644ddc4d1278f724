// The data a topic carries, mirroring Impala's Thrift structs (common/thrift/StatestoreService.thrift)
// so the proto mapping in libs/subscriber is one field per field. Versions are JS numbers: Impala's
// are int64, but a topic would need 2^53 writes before the difference shows.

/** Impala's TTopicItem. `deleted` marks a tombstone: the key was removed at this version. */
export interface TopicItem {
  key: string;
  value: Uint8Array;
  deleted: boolean;
}

/**
 * Impala's TTopicDelta. From the statestored: the changes in (fromVersion, toVersion], or the
 * whole topic when `isDelta` is false. From a subscriber: its own writes, a resync request
 * (`fromVersion` alone) or a request to clear the topic (`clearTopicEntries`).
 */
export interface TopicDeltaData {
  topicName: string;
  entries: TopicItem[];
  isDelta: boolean;
  fromVersion?: number;
  toVersion?: number;
  minSubscriberTopicVersion?: number;
  clearTopicEntries?: boolean;
}
