import { SubscriberType } from '@statestore-ha/proto';
import type { Statestore } from './statestore';

/** Impala's /subscribers page fields (statestore.cc SubscribersHandler), plus type and link state. */
export function subscribersPage(core: Statestore, nowMs: number): unknown {
  const subscribers = [...core.subscribers()].map((s) => {
    const topics = core.topics.subscriber(s.subscriberId);
    return {
      id: s.subscriberId,
      address: s.location ? `${s.location.hostname}:${s.location.port}` : '',
      type: SubscriberType[s.type] ?? String(s.type),
      num_topics: topics?.topics.size ?? 0,
      num_priority_topics: topics?.numPriorityTopics ?? 0,
      num_transient: topics?.numTransientEntries ?? 0,
      registration_id: s.registrationId,
      secs_since_heartbeat: Number(((nowMs - s.lastHeartbeatAckMs) / 1000).toFixed(3)),
      missed_heartbeats: s.missedHeartbeats,
      link_connected: s.link !== undefined,
    };
  });
  return { statestore_id: core.statestoreId, num_subscribers: subscribers.length, subscribers };
}

/** Impala's /topics page fields (statestore.cc TopicsHandler). */
export function topicsPage(core: Statestore): unknown {
  const topics = [...core.topics.topics()].map((t) => {
    const st = t.stats();
    return {
      topic_id: t.name,
      // Impala's num_entries counts tombstones too.
      num_entries: st.numEntries + st.numTombstones,
      num_live_entries: st.numEntries,
      version: st.version,
      oldest_version: st.oldestVersion,
      oldest_id: st.oldestId,
      key_size_bytes: st.keySizeBytes,
      value_size_bytes: st.valueSizeBytes,
      total_size_bytes: st.totalSizeBytes,
      prioritized: t.prioritized,
    };
  });
  return { num_topics: topics.length, topics };
}
