/** A subscriber's writes: its own topic entries and resync requests (Impala SendTopicUpdate). */
import { formatWriteProblem, type TopicDeltaData } from '@statestore-ha/topics';
import type { WriteRejection } from './messages';
import { MAX_TOPIC_KEY_BYTES } from './node-config';
import type { NodeEffect } from './node-effects';
import type { NodeState, SubscriberEntry } from './node-state';

/**
 * All of a message's writes are checked before any is applied: a bad write rejects the whole
 * message, so a subscriber never half-publishes and no other subscriber's entry is touched.
 * Pure resync requests (from_version only) always apply. A rejection never ends the stream:
 * that would drop the writer's transient entries and make it republish the same bad write.
 */
export function applyWrites(s: NodeState, e: SubscriberEntry, writes: readonly TopicDeltaData[], out: NodeEffect[]): WriteRejection | undefined {
  if (writes.length === 0) return undefined;
  const problems = s.topics.validateSubscriberWrites(e.subscriberId, writes, { maxKeyBytes: MAX_TOPIC_KEY_BYTES, maxValueBytes: s.config.maxTopicValueBytes });
  if (problems.length > 0) {
    const message = problems.map(formatWriteProblem).join('; ');
    out.push({ kind: 'writesRejected', subscriberId: e.subscriberId, message });
    const resyncs = writes.filter((w) => w.entries.length === 0 && !w.clearTopicEntries && w.fromVersion !== undefined);
    if (resyncs.length > 0) s.topics.applySubscriberWrites(e.subscriberId, resyncs);
    return { message };
  }
  const outcome = s.topics.applySubscriberWrites(e.subscriberId, writes);
  for (const topicName of outcome.cleared) out.push({ kind: 'topicEntriesCleared', topicName });
  return undefined;
}
