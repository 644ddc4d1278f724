/**
 * Impala's two failure detectors (be/src/statestore/failure-detector.{h,cc}) as pure values.
 * Both answer OK / SUSPECTED / FAILED, and UNKNOWN for a peer never heard from.
 */

/** Impala's FailureDetector::PeerState. */
export type PeerState = 'OK' | 'SUSPECTED' | 'FAILED' | 'UNKNOWN';

/**
 * MissedHeartbeatFailureDetector(max_missed, suspect = max_missed / 2): counts consecutive failed
 * heartbeats; one success resets the count. Used by the statestored on each subscriber
 * (statestore_max_missed_heartbeats) and by the active on its HA heartbeats to the standby.
 */
export interface MissedHeartbeatDetector {
  readonly maxMissed: number;
  readonly suspectAt: number;
  /** Consecutive misses, or null before the first heartbeat result (UNKNOWN). */
  readonly missed: number | null;
}

export function missedHeartbeatDetector(maxMissed: number): MissedHeartbeatDetector {
  if (!Number.isInteger(maxMissed) || maxMissed < 1) {
    throw new Error(`missedHeartbeatDetector: maxMissed must be a positive integer, got ${maxMissed}`);
  }
  return { maxMissed, suspectAt: Math.floor(maxMissed / 2), missed: null };
}

/** Records one heartbeat result: `seen` true for a success. */
export function recordHeartbeatResult(d: MissedHeartbeatDetector, seen: boolean): MissedHeartbeatDetector {
  return { ...d, missed: seen ? 0 : (d.missed ?? 0) + 1 };
}

export function missedHeartbeatState(d: MissedHeartbeatDetector): PeerState {
  if (d.missed === null) return 'UNKNOWN';
  if (d.missed >= d.maxMissed) return 'FAILED';
  if (d.suspectAt > 0 && d.missed >= d.suspectAt) return 'SUSPECTED';
  return 'OK';
}

/**
 * TimeoutFailureDetector(timeout, suspect = timeout / 2): FAILED when the last heartbeat is more
 * than `timeoutMs` old. Used by every subscriber on each statestored
 * (statestore_subscriber_timeout_seconds) and by the standby on the active's HA heartbeats
 * (statestore_peer_timeout_seconds).
 */
export interface TimeoutDetector {
  readonly timeoutMs: number;
  readonly suspectMs: number;
  /** Time of the last heartbeat, or null before the first one (UNKNOWN). */
  readonly lastHeartbeatMs: number | null;
}

export function timeoutDetector(timeoutMs: number, lastHeartbeatMs: number | null = null): TimeoutDetector {
  if (!(timeoutMs > 0)) throw new Error(`timeoutDetector: timeoutMs must be positive, got ${timeoutMs}`);
  return { timeoutMs, suspectMs: timeoutMs / 2, lastHeartbeatMs };
}

export function recordHeartbeatAt(d: TimeoutDetector, nowMs: number): TimeoutDetector {
  // Never move backwards: a delayed event must not make the peer look older than it is.
  const last = d.lastHeartbeatMs === null ? nowMs : Math.max(d.lastHeartbeatMs, nowMs);
  return { ...d, lastHeartbeatMs: last };
}

export function timeoutState(d: TimeoutDetector, nowMs: number): PeerState {
  if (d.lastHeartbeatMs === null) return 'UNKNOWN';
  const elapsed = nowMs - d.lastHeartbeatMs;
  // Impala's TimeoutFailureDetector::GetPeerState compares with '>'.
  if (elapsed > d.timeoutMs) return 'FAILED';
  if (elapsed > d.suspectMs) return 'SUSPECTED';
  return 'OK';
}

/** When the detector will next change state with no new heartbeat (null if it never will). */
export function timeoutNextChangeMs(d: TimeoutDetector, nowMs: number): number | null {
  if (d.lastHeartbeatMs === null) return null;
  const suspect = d.lastHeartbeatMs + d.suspectMs;
  const failed = d.lastHeartbeatMs + d.timeoutMs;
  // States flip strictly after the threshold, so wake 1 ms past it.
  if (nowMs <= suspect) return Math.floor(suspect) + 1;
  if (nowMs <= failed) return Math.floor(failed) + 1;
  return null;
}
