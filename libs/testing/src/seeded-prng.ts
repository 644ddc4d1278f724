/**
 * A seeded pseudo-random generator (mulberry32: 32-bit state, fast, good enough to pick fault
 * schedules; not for cryptography). The same seed gives the same sequence on every machine,
 * which is what makes a failing simulation seed replayable.
 */
export class SeededPrng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new Error(`SeededPrng.int: empty range [${lo}, ${hi}]`);
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    const x = xs[Math.floor(this.next() * xs.length)];
    if (x === undefined) throw new Error('SeededPrng.pick: empty array');
    return x;
  }

  /** An independent generator derived from this one (e.g. one per subsystem). */
  fork(): SeededPrng {
    return new SeededPrng(Math.floor(this.next() * 4294967296));
  }
}
