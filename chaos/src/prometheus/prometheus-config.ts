/**
 * The config a chaos run hands to Prometheus: one job whose targets come from a file_sd file
 * (so the harness can add a restarted daemon without a reload), scraped every 250-500 ms
 * instead of Prometheus' default 1 m. Even so, failover timing is measured in-process, not
 * from scraped gauges (shared/reference/anchors.md section 3, timing caveat).
 */

export interface ScrapeTarget {
  /** host:port serving the metrics. */
  readonly address: string;
  /** Extra labels on every series of this target, e.g. { daemon: 'statestored-1' }. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PrometheusConfigInput {
  readonly jobName: string;
  readonly scrapeIntervalMs: number;
  readonly evaluationIntervalMs: number;
  readonly metricsPath: string;
  /** Absolute path of the file_sd JSON file. */
  readonly targetsFile: string;
  /** Absolute paths of alerting/recording rule files, as Prometheus sees them. */
  readonly ruleFiles?: readonly string[];
}

export const MIN_SCRAPE_INTERVAL_MS = 100;

function duration(ms: number): string {
  return `${Math.round(ms)}ms`;
}

/** prometheus.yml. JSON is valid YAML, so every string is quoted exactly once. */
export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  if (!(input.scrapeIntervalMs >= MIN_SCRAPE_INTERVAL_MS)) throw new RangeError(`scrapeIntervalMs must be >= ${MIN_SCRAPE_INTERVAL_MS}`);
  const config = {
    global: {
      scrape_interval: duration(input.scrapeIntervalMs),
      // A scrape may take the whole interval: a daemon stalled by a fault then reads as
      // down (up == 0) one interval later, not after the 10 s default.
      scrape_timeout: duration(input.scrapeIntervalMs),
      evaluation_interval: duration(input.evaluationIntervalMs),
    },
    ...(input.ruleFiles && input.ruleFiles.length > 0 ? { rule_files: [...input.ruleFiles] } : {}),
    scrape_configs: [
      {
        job_name: input.jobName,
        metrics_path: input.metricsPath,
        // inotify picks up rewrites at once; the refresh is only a fallback.
        file_sd_configs: [{ files: [input.targetsFile], refresh_interval: '1s' }],
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The file_sd JSON: one group per target so each can carry its own labels. */
export function renderFileSdTargets(targets: readonly ScrapeTarget[]): string {
  return `${JSON.stringify(targets.map((t) => ({ targets: [t.address], labels: { ...(t.labels ?? {}) } })), null, 2)}\n`;
}
