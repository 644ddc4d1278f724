import type { ConnState } from './conn-state';
import type { PeerState } from './failure-detector';

/**
 * How many subscribers registered with the standby report their link to the active FAILED (or
 * REFUSED, which is a failed link with evidence why), and how many of those REFUSED.
 */
export interface LostActiveCount {
  readonly failed: number;
  readonly total: number;
  readonly refused: number;
}

export function countLostActive(connStates: ReadonlyMap<string, ConnState>): LostActiveCount {
  let failed = 0;
  let refused = 0;
  for (const s of connStates.values()) {
    if (s === 'FAILED' || s === 'REFUSED') failed++;
    if (s === 'REFUSED') refused++;
  }
  return { failed, total: connStates.size, refused };
}

/**
 * Majority of EVERY subscriber registered with the standby (catalogd included), not of those
 * that answered: statestore.cc tests `failed > 0 && failed > active_conn_states_.size() / 2`
 * with integer division. A subscriber that has not reported counts as not failed. With 1
 * subscriber 1 failure is a majority; with 2, both must fail; with 3, two.
 */
export function majorityLostActive(c: Pick<LostActiveCount, 'failed' | 'total'>): boolean {
  return c.failed > 0 && c.failed > Math.floor(c.total / 2);
}

/**
 * Beyond Impala: conclusive evidence that the active's process is gone. The standby's own link to
 * the active ended and reconnecting is refused, and more than half of the subscribers say the same
 * of theirs (REFUSED). A partition (connects time out) or a reset link that reconnects gives no
 * such evidence: those wait out Impala's timeout rule. If the evidence was wrong after all, epoch
 * fencing keeps the pair safe: the old active steps down at the first newer epoch it hears of.
 */
export function crashEvidence(peerRefused: boolean, c: LostActiveCount): boolean {
  return peerRefused && majorityLostActive({ failed: c.refused, total: c.total });
}

/**
 * What the standby does (reference §2.4's table, plus the crash evidence): take over by Impala's
 * rule or on crash evidence, enter recovery with nobody to ask, or wait.
 */
export type TakeoverVerdict =
  | 'takeOver'
  | 'takeOverOnCrash'
  | 'enterRecovery'
  | 'waitPeerAlive'
  | 'waitNoMajority';

/** `crash`: the crash evidence holds and statestore_ha_takeover_on_crash_evidence is on. */
export function takeoverVerdict(peer: PeerState, lost: LostActiveCount, skipMajorityCheck: boolean, crash = false): TakeoverVerdict {
  if (crash) return 'takeOverOnCrash';
  if (peer !== 'FAILED') return 'waitPeerAlive';
  if (skipMajorityCheck) return 'takeOver';
  if (majorityLostActive(lost)) return 'takeOver';
  if (lost.total === 0) return 'enterRecovery';
  return 'waitNoMajority';
}
