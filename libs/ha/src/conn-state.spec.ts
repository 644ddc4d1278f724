import { connStateFromPeerState } from './conn-state';
import type { PeerState } from './failure-detector';

describe('conn-state report', () => {
  it('maps the subscriber detector as Impala does: FAILED->FAILED, UNKNOWN->UNKNOWN, OK/SUSPECTED->OK', () => {
    const states: PeerState[] = ['OK', 'SUSPECTED', 'FAILED', 'UNKNOWN'];
    expect(states.map(connStateFromPeerState)).toEqual(['OK', 'OK', 'FAILED', 'UNKNOWN']);
  });
});
