/**
 * The printed table of a suite run: one row per scenario and fault kind with the detection
 * bound, the measured detection, failover and full convergence (all from the first fault),
 * the convergence after the heal against its bound, the unavailability, the largest
 * Prometheus-vs-history difference, and the verdict.
 */
import type { ScenarioResult } from '../scenarios';

export const TABLE_HEADER = ['scenario', 'fault kind', 'fault', 'detect bound', 'detection', 'failover', 'full conv.', 'conv. after heal / bound', 'unavailable', 'prom max Δ', 'verdict'] as const;

const ms = (v: number | undefined): string => (v === undefined ? '-' : `${v} ms`);

export function resultCells(r: ScenarioResult): string[] {
  const m = r.measurements;
  return [
    r.id,
    r.faultKind,
    r.fault,
    `${r.bounds.detectionMs} ms`,
    ms(m?.detectionMs),
    ms(m?.failoverMs),
    ms(m?.fullConvergenceMs),
    m ? `${ms(m.convergenceAfterHealMs)}${earlierHeals(m.earlierHeals)} / ${r.bounds.convergenceMs} ms` : '-',
    ms(m?.unavailableTotalMs),
    r.agreement ? `${r.agreement.maxAbsDeltaMs} ms (${r.agreement.compared} cmp)` : '-',
    r.verdict.toUpperCase(),
  ];
}

/** The worst of the earlier heals a run owed convergence after (nemesis heals many times). */
function earlierHeals(heals: NonNullable<ScenarioResult['measurements']>['earlierHeals']): string {
  if (heals.length === 0) return '';
  const converged = heals.flatMap((h) => (h.convergedAfterMs === undefined ? [] : [h.convergedAfterMs]));
  return ` (${heals.length} earlier heals, max ${converged.length > 0 ? `${Math.max(...converged)} ms` : '-'})`;
}

/** One progress line while the suite runs. */
export function formatResultRow(r: ScenarioResult): string {
  return `  ${resultCells(r)
    .map((c, i) => `${TABLE_HEADER[i]}=${c}`)
    .join('  ')}`;
}

/** Fixed-width text table of every result. */
export function formatResultTable(results: readonly ScenarioResult[]): string {
  const rows = [[...TABLE_HEADER], ...results.map(resultCells)];
  const widths = TABLE_HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  return [line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}

/** The same table in Markdown. */
export function markdownResultTable(results: readonly ScenarioResult[]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  return [`| ${TABLE_HEADER.join(' | ')} |`, `|${TABLE_HEADER.map(() => '---').join('|')}|`, ...results.map((r) => `| ${resultCells(r).map(esc).join(' | ')} |`)].join('\n');
}
