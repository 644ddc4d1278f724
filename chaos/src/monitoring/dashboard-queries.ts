/**
 * The queries of a provisioned Grafana dashboard (docker/grafana/dashboards/*.json), with
 * Grafana's built-in interval variables replaced the way Grafana replaces them for a range
 * query, so Prometheus evaluates exactly what a panel would ask.
 */
import * as fs from 'node:fs';

export interface PanelQuery {
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

interface PanelJson {
  type: string;
  title: string;
  targets?: Array<{ refId: string; expr?: string }>;
  panels?: PanelJson[];
}

/** Every query of every panel, rows' nested panels included; rows themselves have none. */
export function dashboardQueries(file: string): PanelQuery[] {
  const model = JSON.parse(fs.readFileSync(file, 'utf8')) as { panels: PanelJson[] };
  const flat = model.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  return flat.filter((p) => p.type !== 'row').flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, refId: t.refId, expr: t.expr ?? '' })));
}

export interface QueryWindow {
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  readonly stepSeconds: number;
  /** The data source's scrape interval ("Scrape interval" / jsonData.timeInterval). */
  readonly scrapeIntervalSeconds: number;
}

/**
 * Grafana's substitutions: $__interval is the step, $__range the whole window, and
 * $__rate_interval max($__interval + scrape interval, 4 x scrape interval). Any other
 * variable is left in place, for the caller to report.
 */
export function substituteGrafanaVariables(expr: string, w: QueryWindow): string {
  const ms = (seconds: number): string => `${Math.round(seconds * 1000)}ms`;
  const rateInterval = Math.max(w.stepSeconds + w.scrapeIntervalSeconds, 4 * w.scrapeIntervalSeconds);
  return expr
    .replaceAll('$__rate_interval', ms(rateInterval))
    .replaceAll('$__interval', ms(w.stepSeconds))
    .replaceAll('$__range', `${Math.round(w.end - w.start)}s`);
}
