import type { ConnState } from './conn-state';
import { countLostActive, crashEvidence, majorityLostActive, takeoverVerdict } from './takeover-rule';

function states(...xs: ConnState[]): Map<string, ConnState> {
  return new Map(xs.map((x, i) => [`s${i}`, x]));
}

describe('takeover rule', () => {
  it('needs failed > total/2 with integer division, over every registered subscriber', () => {
    const cases: Array<[number, number, boolean]> = [
      [0, 0, false], [1, 1, true], [1, 2, false], [2, 2, true], [1, 3, false], [2, 3, true],
      [2, 4, false], [3, 4, true], [2, 5, false], [3, 5, true],
    ];
    for (const [failed, total, want] of cases) expect([failed, total, majorityLostActive({ failed, total })]).toEqual([failed, total, want]);
  });

  it('counts only FAILED and REFUSED; UNKNOWN (never reported) and OK are not failed', () => {
    expect(countLostActive(states('FAILED', 'UNKNOWN', 'OK', 'FAILED'))).toEqual({ failed: 2, total: 4, refused: 0 });
    expect(countLostActive(states('REFUSED', 'FAILED', 'OK'))).toEqual({ failed: 2, total: 3, refused: 1 });
  });

  it('crash evidence: the standby refused too, and more than half of the subscribers REFUSED', () => {
    expect(crashEvidence(true, { failed: 2, total: 3, refused: 2 })).toBe(true);
    expect(crashEvidence(false, { failed: 3, total: 3, refused: 3 })).toBe(false);
    // FAILED (a partition) is not evidence of a crash.
    expect(crashEvidence(true, { failed: 3, total: 3, refused: 1 })).toBe(false);
    expect(crashEvidence(true, { failed: 0, total: 0, refused: 0 })).toBe(false);
  });

  it('takes over at once on crash evidence, whatever the peer detector says', () => {
    expect(takeoverVerdict('OK', { failed: 2, total: 3, refused: 2 }, false, true)).toBe('takeOverOnCrash');
  });

  it('takes over only with the peer FAILED and a majority', () => {
    expect(takeoverVerdict('SUSPECTED', { failed: 3, total: 3, refused: 0 }, false)).toBe('waitPeerAlive');
    expect(takeoverVerdict('FAILED', { failed: 1, total: 3, refused: 0 }, false)).toBe('waitNoMajority');
    expect(takeoverVerdict('FAILED', { failed: 2, total: 3, refused: 0 }, false)).toBe('takeOver');
    expect(takeoverVerdict('FAILED', { failed: 0, total: 0, refused: 0 }, false)).toBe('enterRecovery');
  });

  it('skipMajorityCheck takes over on the peer detector alone (the unsafe test flag)', () => {
    expect(takeoverVerdict('FAILED', { failed: 0, total: 3, refused: 0 }, true)).toBe('takeOver');
    expect(takeoverVerdict('OK', { failed: 3, total: 3, refused: 0 }, true)).toBe('waitPeerAlive');
  });
});
