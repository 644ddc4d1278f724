/**
 * Pure helpers of the scale benchmark: CPU share from two /proc/<pid>/stat samples, RSS from
 * /proc/<pid>/status, quantiles from a Prometheus histogram, nearest-rank percentiles. No I/O:
 * the callers read the files and pass the text in.
 */

export interface CpuSample {
  /** utime + stime of the process, in clock ticks. */
  ticks: number;
  /** When the sample was taken (ms, any monotonic clock). */
  atMs: number;
}

/**
 * utime and stime (fields 14 and 15) of a /proc/<pid>/stat line. The command name (field 2) is in
 * parentheses and may hold spaces or parentheses itself, so fields are counted after the LAST ')'.
 */
export function parseProcStatTicks(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After ')' come field 3 (state) onwards; utime is field 14, i.e. index 11 here.
  const rest = stat.slice(close + 1).trim().split(/\s+/);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('no utime/stime in /proc/<pid>/stat line');
  return utime + stime;
}

/** CPU % between two samples, 100 % = one core busy all the time. */
export function cpuPercent(a: CpuSample, b: CpuSample, ticksPerSecond = 100): number {
  const wallMs = b.atMs - a.atMs;
  if (wallMs <= 0) throw new Error('cpuPercent: samples must be in time order and apart');
  const cpuMs = ((b.ticks - a.ticks) * 1000) / ticksPerSecond;
  return (cpuMs / wallMs) * 100;
}

/** VmRSS of a /proc/<pid>/status text, in bytes. */
export function parseRssBytes(status: string): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!m) throw new Error('no VmRSS in /proc/<pid>/status');
  return Number(m[1]) * 1024;
}

/** Nearest-rank percentile (p in 0..1) of samples: always a value that was measured. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) throw new Error('percentile: no samples');
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number;
}

export interface Bucket {
  /** Upper bound (le); Infinity for +Inf. */
  le: number;
  /** Cumulative count of observations <= le. */
  count: number;
}

/** The cumulative buckets of one histogram in Prometheus text format, sorted by le. */
export function parseHistogramBuckets(text: string, name: string): Bucket[] {
  const out: Bucket[] = [];
  const re = new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\S+)`);
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const le = /(?:^|,)le="([^"]+)"/.exec(m[1] as string)?.[1];
    if (le === undefined) continue;
    out.push({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), count: Number(m[2]) });
  }
  return out.sort((a, b) => a.le - b.le);
}

/** Bucket-wise difference b - a: the observations made between two scrapes. */
export function bucketDelta(a: readonly Bucket[], b: readonly Bucket[]): Bucket[] {
  return b.map((x) => ({ le: x.le, count: x.count - (a.find((y) => y.le === x.le)?.count ?? 0) }));
}

/**
 * The q-quantile as Prometheus' histogram_quantile computes it: linear interpolation inside the
 * bucket that holds the rank; the highest finite bound if the rank falls in +Inf. undefined when
 * there are no observations.
 */
export function histogramQuantile(buckets: readonly Bucket[], q: number): number | undefined {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      if (b.count === prevCount) return b.le;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / (b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
