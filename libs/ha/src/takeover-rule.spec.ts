import type { ConnState } from './conn-state';
import { countLostActive, majorityLostActive, takeoverVerdict } from './takeover-rule';

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

  it('counts only FAILED; UNKNOWN (never reported) and OK are not failed', () => {
    expect(countLostActive(states('FAILED', 'UNKNOWN', 'OK', 'FAILED'))).toEqual({ failed: 2, total: 4 });
  });

  it('takes over only with the peer FAILED and a majority', () => {
    expect(takeoverVerdict('SUSPECTED', { failed: 3, total: 3 }, false)).toBe('waitPeerAlive');
    expect(takeoverVerdict('FAILED', { failed: 1, total: 3 }, false)).toBe('waitNoMajority');
    expect(takeoverVerdict('FAILED', { failed: 2, total: 3 }, false)).toBe('takeOver');
    expect(takeoverVerdict('FAILED', { failed: 0, total: 0 }, false)).toBe('enterRecovery');
  });

  it('skipMajorityCheck takes over on the peer detector alone (the unsafe test flag)', () => {
    expect(takeoverVerdict('FAILED', { failed: 0, total: 3 }, true)).toBe('takeOver');
    expect(takeoverVerdict('OK', { failed: 3, total: 3 }, true)).toBe('waitPeerAlive');
  });
});
