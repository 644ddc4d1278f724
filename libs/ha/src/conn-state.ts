import type { PeerState } from './failure-detector';

/**
 * Impala's TStatestoreConnState: a subscriber's view of its link to the OTHER statestored. Beyond
 * Impala, REFUSED: that link ended and reconnecting is refused (nobody listens on the port: the
 * process is gone). It counts as FAILED for Impala's rule and is the subscribers' half of the
 * crash evidence that lets a standby take over without waiting out its timeout.
 */
export type ConnState = 'OK' | 'FAILED' | 'UNKNOWN' | 'REFUSED';

/**
 * What a subscriber reports to the standby about the other statestored, from its detector on that
 * link (StatestoreSubscriber::GetStatestoreConnState): FAILED->FAILED, UNKNOWN->UNKNOWN,
 * OK/SUSPECTED->OK. A merely suspected link is not a lost one: only FAILED counts toward takeover.
 */
export function connStateFromPeerState(state: PeerState): ConnState {
  switch (state) {
    case 'FAILED':
      return 'FAILED';
    case 'UNKNOWN':
      return 'UNKNOWN';
    case 'OK':
    case 'SUSPECTED':
      return 'OK';
  }
}
