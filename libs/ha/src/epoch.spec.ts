import { compareEpochs, epochSlot, isNewerEpoch, maxEpoch, nextEpoch } from './epoch';

describe('epochs', () => {
  it('compareEpochs orders numerically', () => {
    expect(compareEpochs(1, 2)).toBeLessThan(0);
    expect(compareEpochs(2, 1)).toBeGreaterThan(0);
    expect(compareEpochs(7, 7)).toBe(0);
    expect(isNewerEpoch(3, 2)).toBe(true);
    expect(isNewerEpoch(2, 2)).toBe(false);
    expect(maxEpoch(4, 9)).toBe(9);
  });

  it('nextEpoch is above both what was seen and now*1000, in the node slot', () => {
    expect(nextEpoch(0, 5, 0)).toBe(5002);
    expect(nextEpoch(0, 5, 1)).toBe(5001);
    expect(nextEpoch(9_000_000, 5, 0)).toBe(9_000_002);
    expect(nextEpoch(9_000_000, 5, 1)).toBe(9_000_001);
  });

  it('two nodes promoting at the same instant with the same knowledge get different epochs', () => {
    for (const [seen, now] of [[0, 0], [0, 1234], [77, 0], [1_700_000_000_000_000, 1_700_000_000_000]] as const) {
      const a = nextEpoch(seen, now, epochSlot('a:1', 'b:1'));
      const b = nextEpoch(seen, now, epochSlot('b:1', 'a:1'));
      expect(a).not.toBe(b);
      expect(Math.min(a, b)).toBeGreaterThan(Math.max(seen, now * 1000));
    }
  });

  it('a promotion after learning an epoch always exceeds it, whatever the clock says', () => {
    let seen = 0;
    for (let i = 0; i < 100; i++) {
      const e = nextEpoch(seen, 1000 - i, (i % 2) as 0 | 1);
      expect(e).toBeGreaterThan(seen);
      seen = e;
    }
  });

  it('epochSlot refuses equal addresses', () => {
    expect(() => epochSlot('x:1', 'x:1')).toThrow(/equal/);
  });
});
