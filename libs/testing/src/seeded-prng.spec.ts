import { SeededPrng } from './seeded-prng';

describe('SeededPrng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = Array.from({ length: 5 }, ((p) => () => p.next())(new SeededPrng(42)));
    const b = Array.from({ length: 5 }, ((p) => () => p.next())(new SeededPrng(42)));
    const c = Array.from({ length: 5 }, ((p) => () => p.next())(new SeededPrng(43)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('int covers its inclusive range roughly uniformly', () => {
    const p = new SeededPrng(7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 40000; i++) {
      const k = p.int(0, 3);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const n of counts.values()) expect(Math.abs(n - 10000)).toBeLessThan(500);
  });

  it('chance, pick and fork behave', () => {
    const p = new SeededPrng(1);
    let hits = 0;
    for (let i = 0; i < 10000; i++) if (p.chance(0.25)) hits++;
    expect(Math.abs(hits - 2500)).toBeLessThan(200);
    expect(['x', 'y']).toContain(p.pick(['x', 'y']));
    expect(() => p.pick([])).toThrow(/empty/);
    expect(p.fork().next()).not.toBe(p.fork().next());
  });
});
