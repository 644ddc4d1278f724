/**
 * Runs a range of seeds and summarises them: the engine of the random-schedule specs, kept out
 * of the spec files so both halves of the sweep (one per Jest worker) share it.
 */
import { runSimulation, type SimOptions, type SimResult } from './cluster-sim';

export interface SweepSummary {
  readonly seeds: number;
  readonly failures: readonly SimResult[];
  readonly takeovers: number;
  /** Seeds in which a subscriber crashed and never came back (its drop and transient cleanup are judged). */
  readonly deadSubscriberRuns: number;
  readonly maxConvergedAfterMs: number;
  readonly maxViewsConvergedAfterMs: number;
  readonly boundMs: number;
  readonly viewBoundMs: number;
  readonly elapsedMs: number;
  readonly seedsPerSecond: number;
}

export function sweepSeeds(
  first: number,
  count: number,
  options: Omit<SimOptions, 'seed'> = {},
  elapsed: () => number = () => 0,
  stopAfterFailures = 5,
): SweepSummary {
  const t0 = elapsed();
  const failures: SimResult[] = [];
  let takeovers = 0;
  let deadSubscriberRuns = 0;
  let maxConverged = 0;
  let maxViews = 0;
  let bound = 0;
  let viewBound = 0;
  let seeds = 0;
  for (let seed = first; seed < first + count; seed++) {
    const r = runSimulation({ ...options, seed });
    seeds++;
    bound = r.boundMs;
    viewBound = r.viewBoundMs;
    takeovers += r.takeovers;
    if (r.schedule.stayDown?.some((n) => !n.startsWith('ss'))) deadSubscriberRuns++;
    if (!r.ok) {
      failures.push(r);
      if (failures.length >= stopAfterFailures) break;
    } else {
      if (r.convergedAfterMs !== null) maxConverged = Math.max(maxConverged, r.convergedAfterMs);
      if (r.viewsConvergedAfterMs !== null) maxViews = Math.max(maxViews, r.viewsConvergedAfterMs);
    }
  }
  const ms = elapsed() - t0;
  return {
    seeds,
    failures,
    takeovers,
    deadSubscriberRuns,
    maxConvergedAfterMs: maxConverged,
    maxViewsConvergedAfterMs: maxViews,
    boundMs: bound,
    viewBoundMs: viewBound,
    elapsedMs: ms,
    seedsPerSecond: ms > 0 ? Math.round((seeds * 1000) / ms) : 0,
  };
}

export function formatSweep(name: string, s: SweepSummary): string {
  return (
    `${name}: ${s.seeds} seeds in ${(s.elapsedMs / 1000).toFixed(1)} s (${s.seedsPerSecond} seeds/s), ` +
    `${s.failures.length} failing, ${s.takeovers} takeovers, ${s.deadSubscriberRuns} with a subscriber that never came back, slowest convergence ${s.maxConvergedAfterMs} ms after the heal (bound ${s.boundMs} ms), ` +
    `views ${s.maxViewsConvergedAfterMs} ms (bound ${s.viewBoundMs} ms)`
  );
}
