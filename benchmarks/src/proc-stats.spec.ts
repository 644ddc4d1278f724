import { bucketDelta, cpuPercent, histogramQuantile, parseHistogramBuckets, parseProcStatTicks, parseRssBytes, percentile } from './proc-stats';

describe('parseProcStatTicks', () => {
  it('adds utime and stime, counting fields after the last parenthesis', () => {
    const line = '4242 (node (main) x) S 1 4242 4242 0 -1 4194304 1000 0 0 0 1234 567 0 0 20 0 11 0 100 1000000 5000 18446744073709551615';
    expect(parseProcStatTicks(line)).toBe(1234 + 567);
  });
  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStatTicks('garbage')).toThrow();
  });
});

describe('cpuPercent', () => {
  it('is 100 when one core was busy for the whole window', () => {
    expect(cpuPercent({ ticks: 1000, atMs: 0 }, { ticks: 1500, atMs: 5000 }, 100)).toBeCloseTo(100);
  });
  it('can exceed 100 with two cores busy', () => {
    expect(cpuPercent({ ticks: 0, atMs: 0 }, { ticks: 200, atMs: 1000 }, 100)).toBeCloseTo(200);
  });
  it('refuses samples out of order', () => {
    expect(() => cpuPercent({ ticks: 0, atMs: 10 }, { ticks: 1, atMs: 10 })).toThrow();
  });
});

describe('parseRssBytes', () => {
  it('reads VmRSS in kB', () => {
    expect(parseRssBytes('Name:\tnode\nVmRSS:\t  102400 kB\nThreads: 11\n')).toBe(100 * 1024 * 1024);
  });
});

describe('percentile', () => {
  it('is nearest-rank: a measured value', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 0.5)).toBe(5);
    expect(percentile(xs, 0.99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 0.99)).toBe(7);
  });
  it('refuses no samples', () => {
    expect(() => percentile([], 0.5)).toThrow();
  });
});

describe('histogram quantiles', () => {
  const text = [
    '# TYPE statestore_heartbeat_duration_seconds histogram',
    'statestore_heartbeat_duration_seconds_bucket{le="0.001",daemon="statestored"} 50',
    'statestore_heartbeat_duration_seconds_bucket{le="0.01",daemon="statestored"} 90',
    'statestore_heartbeat_duration_seconds_bucket{le="0.1",daemon="statestored"} 100',
    'statestore_heartbeat_duration_seconds_bucket{le="+Inf",daemon="statestored"} 100',
    'statestore_heartbeat_duration_seconds_sum{daemon="statestored"} 0.4',
    'statestore_heartbeat_duration_seconds_count{daemon="statestored"} 100',
  ].join('\n');
  const buckets = parseHistogramBuckets(text, 'statestore_heartbeat_duration_seconds');

  it('parses the cumulative buckets in le order', () => {
    expect(buckets.map((b) => b.le)).toEqual([0.001, 0.01, 0.1, Number.POSITIVE_INFINITY]);
    expect(buckets.map((b) => b.count)).toEqual([50, 90, 100, 100]);
  });
  it('interpolates inside the bucket holding the rank, as histogram_quantile does', () => {
    expect(histogramQuantile(buckets, 0.5)).toBeCloseTo(0.001);
    expect(histogramQuantile(buckets, 0.25)).toBeCloseTo(0.0005);
    expect(histogramQuantile(buckets, 0.7)).toBeCloseTo(0.001 + 0.009 * 0.5);
    expect(histogramQuantile(buckets, 0.95)).toBeCloseTo(0.01 + 0.09 * 0.5);
  });
  it('answers the highest finite bound when the rank is in +Inf', () => {
    const inf = [{ le: 1, count: 1 }, { le: Number.POSITIVE_INFINITY, count: 10 }];
    expect(histogramQuantile(inf, 0.99)).toBe(1);
  });
  it('has no quantile without observations', () => {
    expect(histogramQuantile([{ le: 1, count: 0 }, { le: Number.POSITIVE_INFINITY, count: 0 }], 0.5)).toBeUndefined();
  });
  it('takes the window between two scrapes bucket by bucket', () => {
    const later = buckets.map((b) => ({ le: b.le, count: b.count + (b.le >= 0.01 ? 10 : 0) }));
    expect(bucketDelta(buckets, later).map((b) => b.count)).toEqual([0, 10, 10, 10]);
  });
});
