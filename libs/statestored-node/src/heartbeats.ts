/**
 * Heartbeats to subscribers and the statestored's failure detection of them (Impala:
 * DoSubscriberUpdate for the heartbeat pool, MissedHeartbeatFailureDetector). Both statestoreds
 * heartbeat every subscriber; the standby's heartbeats also collect each subscriber's view of its
 * link to the active.
 *
 * As Impala's pool does, one heartbeat is outstanding per subscriber at a time. It is missed when
 * it cannot go out (no open stream, or DISABLE_STATESTORE_NETWORK: Impala's RPC then fails at
 * once, the next one a period later) or when it is not answered within
 * statestore_heartbeat_tcp_timeout_seconds (Impala's RPC deadline; the next one a period after
 * that). statestore_max_missed_heartbeats consecutive misses drop the subscriber, which is why a
 * refused subscriber is gone after about max_missed x period and a hung one after about
 * max_missed x (timeout + period).
 */
import { missedHeartbeatState, recordHeartbeatResult, type ConnState, type Epoch } from '@statestore-ha/ha';
import { sendTo } from './links';
import type { NodeEffect } from './node-effects';
import type { NodeState, SubscriberEntry } from './node-state';
import { feedHa, subscriberSawEpoch } from './role';
import { nodeRequestsConnState } from './role-queries';
import { unregister } from './subscriber-table';

/** One pass of the heartbeat loop: acts on the subscribers whose heartbeat is due or overdue. */
export function heartbeatLoop(s: NodeState, now: number, out: NodeEffect[]): void {
  const freq = s.config.heartbeatFrequencyMs;
  const askConnState = nodeRequestsConnState(s);
  // A copy: a subscriber that fails is unregistered during the pass.
  for (const e of [...s.subscribers.values()]) {
    const hb = e.heartbeat;
    if (hb.outstanding !== null) {
      if (now - hb.outstanding.sentAtMs < s.config.heartbeatTimeoutMs) continue;
      hb.outstanding = null;
      hb.nextAtMs = now + freq;
      miss(s, e, 'timeout', now, out);
      continue;
    }
    if (now < hb.nextAtMs) continue;
    // Absolute deadlines, not accumulated intervals: a late loop does not shift the phase.
    hb.nextAtMs += freq;
    if (hb.nextAtMs <= now) hb.nextAtMs = now + freq;
    if (e.link === null || s.networkDisabled) {
      miss(s, e, 'noLink', now, out);
      continue;
    }
    const seq = ++hb.seq;
    hb.outstanding = { seq, sentAtMs: now };
    sendTo(s, e, { kind: 'heartbeat', seq, requestConnState: askConnState }, out);
  }
}

/**
 * A heartbeat answer. Any answer of this registration proves the subscriber alive (the count of
 * misses starts over); only the answer to the outstanding heartbeat closes its round trip.
 */
export function heartbeatAnswered(s: NodeState, e: SubscriberEntry, seq: number, connState: ConnState, highestEpochSeen: Epoch, now: number, out: NodeEffect[]): void {
  const hb = e.heartbeat;
  hb.detector = recordHeartbeatResult(hb.detector, true);
  hb.lastAnswerMs = now;
  hb.answeredSinceSummary = true;
  if (hb.outstanding !== null && hb.outstanding.seq === seq) {
    out.push({ kind: 'heartbeatAnswered', roundTripMs: now - hb.outstanding.sentAtMs });
    hb.outstanding = null;
  }
  // The report is about the other statestored; only the standby asked for it.
  if (nodeRequestsConnState(s)) feedHa(s, { kind: 'subscriberConnState', subscriberId: e.subscriberId, connState }, now, out);
  subscriberSawEpoch(s, e.subscriberId, highestEpochSeen, now, out);
}

/** An unasked report of the subscriber's link to the other statestored (crash evidence). */
export function connStateReported(s: NodeState, e: SubscriberEntry, connState: ConnState, highestEpochSeen: Epoch, now: number, out: NodeEffect[]): void {
  if (nodeRequestsConnState(s)) feedHa(s, { kind: 'subscriberConnState', subscriberId: e.subscriberId, connState }, now, out);
  subscriberSawEpoch(s, e.subscriberId, highestEpochSeen, now, out);
}

/** Every heartbeat_monitoring_frequency_ms: how many subscribers answered since the last one. */
export function heartbeatSummary(s: NodeState, out: NodeEffect[]): void {
  let answered = 0;
  for (const e of s.subscribers.values()) {
    if (e.heartbeat.answeredSinceSummary) answered++;
    e.heartbeat.answeredSinceSummary = false;
  }
  out.push({ kind: 'heartbeatSummary', answered, live: s.subscribers.size });
}

function miss(s: NodeState, e: SubscriberEntry, why: 'noLink' | 'timeout', now: number, out: NodeEffect[]): void {
  const hb = e.heartbeat;
  hb.detector = recordHeartbeatResult(hb.detector, false);
  out.push({ kind: 'heartbeatMissed', subscriberId: e.subscriberId, missed: hb.detector.missed ?? 0, why });
  // Impala: MissedHeartbeatFailureDetector FAILED -> unregister the subscriber.
  if (missedHeartbeatState(hb.detector) === 'FAILED') unregister(s, e, 'missedHeartbeats', now, out);
}
