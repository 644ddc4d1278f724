/**
 * Impala's topic semantics, pure and synchronous: versioned topics with tombstones and deltas
 * (statestored side), per-subscriber bookkeeping, and the subscriber's version checks.
 */
export { Topic } from './topic';
export type { TopicStats } from './topic';
export { TopicStore } from './topic-store';
export type { RemovalOutcome, WriteOutcome } from './topic-store';
export type { SubscribedTopic, SubscriberTopics, TopicSubscription } from './subscriber-record';
export { TopicView, resyncRequest } from './topic-view';
export type { ViewApplyOutcome } from './topic-view';
export type { TopicDeltaData, TopicItem } from './topic-item';
export { isPriorityTopic, IMPALA_MEMBERSHIP_TOPIC, IMPALA_REQUEST_QUEUE_TOPIC } from './priority';
export { validateWrites, formatWriteProblem } from './validate-writes';
export type { WritableTopics, WriteLimits, WriteProblem } from './validate-writes';
// Symbols below matter only to other libraries: byte counting that matches the topic's sizes.
export { utf8ByteLength } from './utf8-byte-length';
