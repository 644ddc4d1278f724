import type { ConnState } from './conn-state';
import type { PeerState } from './failure-detector';

/** How many subscribers registered with the standby report their link to the active FAILED. */
export interface LostActiveCount {
  readonly failed: number;
  readonly total: number;
}

export function countLostActive(connStates: ReadonlyMap<string, ConnState>): LostActiveCount {
  let failed = 0;
  for (const s of connStates.values()) if (s === 'FAILED') failed++;
  return { failed, total: connStates.size };
}

/**
 * Majority of EVERY subscriber registered with the standby (catalogd included), not of those
 * that answered: statestore.cc tests `failed > 0 && failed > active_conn_states_.size() / 2`
 * with integer division. A subscriber that has not reported counts as not failed. With 1
 * subscriber 1 failure is a majority; with 2, both must fail; with 3, two.
 */
export function majorityLostActive(c: LostActiveCount): boolean {
  return c.failed > 0 && c.failed > Math.floor(c.total / 2);
}

/** What the standby does on one monitoring tick (reference §2.4's table). */
export type TakeoverVerdict =
  | 'takeOver'
  | 'enterRecovery'
  | 'waitPeerAlive'
  | 'waitNoMajority';

export function takeoverVerdict(peer: PeerState, lost: LostActiveCount, skipMajorityCheck: boolean): TakeoverVerdict {
  if (peer !== 'FAILED') return 'waitPeerAlive';
  if (skipMajorityCheck) return 'takeOver';
  if (majorityLostActive(lost)) return 'takeOver';
  if (lost.total === 0) return 'enterRecovery';
  return 'waitNoMajority';
}
