export interface Summary {
  n: number;
  min: number;
  median: number;
  p90: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles: every figure is one that was measured. */
export function summarize(xs: readonly number[]): Summary {
  if (xs.length === 0) throw new Error('summarize: no samples');
  const s = [...xs].sort((a, b) => a - b);
  const rank = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number;
  return { n: s.length, min: s[0] as number, median: rank(0.5), p90: rank(0.9), max: s[s.length - 1] as number, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

export const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
