/**
 * Checks one PromQL expression against what a real Prometheus holds from the daemons it
 * scrapes: every metric it names is exported, every label it names exists on one of those
 * metrics, Prometheus accepts it, and (where a result is expected) it returns series.
 */
import type { PrometheusClient, Series } from '../prometheus';
import { promqlReferences } from './promql-references';

/** Labels every series has, from the target rather than the daemon. */
const TARGET_LABELS = new Set(['__name__', 'instance', 'job']);

export interface ExportedData {
  readonly metrics: ReadonlySet<string>;
  /** Label names seen per metric over the window. */
  labelsOf(metric: string): Promise<ReadonlySet<string>>;
}

/** What the daemons exported between start and end, read through the HTTP API. */
export async function exportedData(client: PrometheusClient, start: number, end: number): Promise<ExportedData> {
  const metrics = new Set(await client.labelValues('__name__'));
  const cache = new Map<string, Promise<ReadonlySet<string>>>();
  return {
    metrics,
    labelsOf(metric: string): Promise<ReadonlySet<string>> {
      let found = cache.get(metric);
      if (!found) {
        found = client.series(`{__name__="${metric}"}`, start, end).then((all) => new Set(all.flatMap((s) => Object.keys(s))));
        cache.set(metric, found);
      }
      return found;
    },
  };
}

/** Problems with the names an expression uses: syntax, unknown metrics, unknown labels. */
export async function referenceProblems(expr: string, exported: ExportedData): Promise<string[]> {
  const refs = promqlReferences(expr);
  const problems = [...refs.errors];
  const unknownMetrics = refs.metrics.filter((m) => !exported.metrics.has(m));
  problems.push(...unknownMetrics.map((m) => `metric ${m} is not exported by any daemon`));
  const known = refs.metrics.filter((m) => exported.metrics.has(m));
  const labels = new Set<string>(TARGET_LABELS);
  for (const m of known) for (const l of await exported.labelsOf(m)) labels.add(l);
  problems.push(...refs.labels.filter((l) => !labels.has(l)).map((l) => `label ${l} is on none of ${refs.metrics.join(', ') || 'its metrics'}`));
  if (refs.metrics.length === 0 && refs.errors.length === 0) problems.push('reads no metric');
  return problems;
}

/** The series with at least one finite value. */
export function finiteSeries(series: readonly Series[]): Series[] {
  return series.filter((s) => s.points.some((p) => Number.isFinite(p.value)));
}
