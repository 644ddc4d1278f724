/**
 * Topic updates from the active statestored (Impala: DoSubscriberUpdate for the topic and
 * priority-topic pools, GatherTopicUpdates, SendTopicUpdate's bookkeeping).
 */
import type { NodeEffect } from './node-effects';
import type { NodeState, SubscriberEntry, UpdateClass } from './node-state';
import { isExcludedCatalogd } from './catalogd-exclusion';
import { sendTo } from './links';
import { nodeActiveEpoch, nodeIsActive } from './role-queries';

/** A full round of every topic, changed or not, every this many update periods (gap detection). */
export const FULL_ROUND_EVERY = 10;

const CLASSES: readonly UpdateClass[] = ['priority', 'normal'];

/** One pass of the update loop (every statestore_priority_update_frequency_ms), both classes. */
export function updateLoop(s: NodeState, now: number, out: NodeEffect[]): void {
  if (s.networkDisabled || !nodeIsActive(s)) return;
  for (const cls of CLASSES) for (const e of s.subscribers.values()) updateOne(s, e, cls, now, out);
}

function periodOf(s: NodeState, cls: UpdateClass): number {
  return cls === 'priority' ? s.config.priorityUpdateFrequencyMs : s.config.updateFrequencyMs;
}

function updateOne(s: NodeState, e: SubscriberEntry, cls: UpdateClass, now: number, out: NodeEffect[]): void {
  if (e.link === null || e.congested) return;
  // Impala (statestore.cc DoSubscriberUpdate): an inactive catalogd gets no topic updates.
  if (isExcludedCatalogd(s, e.subscriberId)) return;
  if (cls === 'priority' ? !e.hasPriorityTopics : !e.hasNormalTopics) return;
  const u = e.updates;
  const inFlight = u.inFlight[cls];
  if (inFlight !== null) {
    // statestore_update_tcp_timeout_seconds: Impala's UpdateState deadline; the same range goes again.
    if (now - inFlight.sentAtMs < s.config.updateTimeoutMs) return;
    out.push({ kind: 'topicUpdateTimedOut', subscriberId: e.subscriberId, seq: inFlight.seq });
    u.inFlight[cls] = null;
  }
  // Impala sends a class every statestore_(priority_)update_frequency_ms. Here that interval is
  // the least spacing between two updates of the class to one subscriber, and updates are
  // change-driven (grpc-ceiling.md: no frame when nothing changed): a lone change goes out at the
  // next loop instead of waiting out the period, a burst is still batched per period.
  if (now < u.notBeforeMs[cls]) return;
  // Every FULL_ROUND_EVERY periods all topics of the class go out, changed or not: Impala sends
  // unchanged topics every round, which is how a subscriber that missed an update notices the
  // gap on a quiet topic (its from_version answer makes us resend).
  const priority = cls === 'priority';
  const everything = !u.firstAcked[cls] || now >= u.nextFullRoundMs[cls];
  const changed = s.topics.hasPendingChanges(e.subscriberId, priority);
  if (!everything && !changed) return;
  if (everything) u.nextFullRoundMs[cls] = now + FULL_ROUND_EVERY * s.config.updateFrequencyMs;
  // Only news uses up the spacing: a gap-detection round with nothing new must not hold back a
  // change made just after it for a whole period (measured: p90 of one catalog change to 3
  // coordinators went from ~100 ms to 1.5 s when it did).
  if (changed) u.notBeforeMs[cls] = now + periodOf(s, cls);
  const deltas = s.topics.buildUpdate(e.subscriberId, priority, everything);
  if (deltas.length === 0) return;
  const seq = ++u.seq;
  u.inFlight[cls] = { seq, sentAtMs: now, acks: deltas.map((d) => ({ topicName: d.topicName, toVersion: d.toVersion ?? 0 })) };
  sendTo(s, e, { kind: 'updateState', seq, deltas, activeEpoch: nodeActiveEpoch(s) }, out);
}

/**
 * An update answer that is not stale: acknowledges the versions sent, or after a skip holds the
 * class back twice the period (Impala DoSubscriberUpdate: `2 x freq` after a skip), then sends
 * the same range again. Returns the class it answered, or null for an unknown or expired seq.
 */
export function acknowledgeUpdate(s: NodeState, e: SubscriberEntry, seq: number, skipped: boolean, now: number, out: NodeEffect[]): UpdateClass | null {
  const u = e.updates;
  const cls: UpdateClass | null = u.inFlight.priority?.seq === seq ? 'priority' : u.inFlight.normal?.seq === seq ? 'normal' : null;
  if (cls === null) return null;
  const update = u.inFlight[cls];
  u.inFlight[cls] = null;
  if (update === null) return null;
  if (skipped) {
    u.notBeforeMs[cls] = now + 2 * periodOf(s, cls);
    return cls;
  }
  out.push({ kind: 'topicUpdateAnswered', priority: cls === 'priority', durationMs: now - update.sentAtMs });
  s.topics.acknowledge(e.subscriberId, update.acks);
  u.firstAcked[cls] = true;
  return cls;
}

/** Drops the update in flight of that seq without acknowledging it (a stale-epoch answer). */
export function dropUpdate(e: SubscriberEntry, seq: number): void {
  const u = e.updates;
  if (u.inFlight.priority?.seq === seq) u.inFlight.priority = null;
  if (u.inFlight.normal?.seq === seq) u.inFlight.normal = null;
}

/**
 * This statestored just became active: every subscriber starts again from version 0 (full
 * updates), so subscribers republish and catalogd resends its catalog with clear_topic_entries.
 * Topics are not replicated between the pair (Impala §2.7), so whatever this instance still holds
 * from an earlier term is made whole again that way. Updates in flight are dropped, so their
 * late answers acknowledge nothing.
 */
export function startOver(s: NodeState): void {
  for (const e of s.subscribers.values()) {
    const topics = s.topics.subscriber(e.subscriberId);
    if (topics) s.topics.acknowledge(e.subscriberId, [...topics.topics.keys()].map((topicName) => ({ topicName, toVersion: 0 })));
    for (const cls of CLASSES) {
      e.updates.firstAcked[cls] = false;
      e.updates.inFlight[cls] = null;
    }
  }
}

/** The stream ended: what was in flight on it is lost. */
export function dropInFlightUpdates(e: SubscriberEntry): void {
  for (const cls of CLASSES) e.updates.inFlight[cls] = null;
}
