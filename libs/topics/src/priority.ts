// Statestore::IsPrioritizedTopic (be/src/statestore/statestore.cc): topics whose name ends with
// one of these are sent on the priority schedule (statestore_priority_update_frequency_ms=100)
// instead of the normal one (statestore_update_frequency_ms=2000). Impala matches the suffix, not
// the whole name, so a cluster-id prefix ("c1-impala-membership") stays prioritized.
export const IMPALA_MEMBERSHIP_TOPIC = 'impala-membership';
export const IMPALA_REQUEST_QUEUE_TOPIC = 'impala-request-queue';

/** True for topics sent on the 100 ms priority schedule (Statestore::IsPrioritizedTopic). */
export function isPriorityTopic(name: string): boolean {
  return name.endsWith(IMPALA_MEMBERSHIP_TOPIC) || name.endsWith(IMPALA_REQUEST_QUEUE_TOPIC);
}
