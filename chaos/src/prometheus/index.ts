/** A real Prometheus for chaos runs (a host process or a container), and a typed client over its HTTP API. */
export { ScrapingPrometheus, PrometheusFiles, PrometheusStartError } from './scraping-prometheus';
export type { PrometheusFilesOptions } from './scraping-prometheus';
export { PrometheusServer, PrometheusUnavailableError, prometheusVersion, DEFAULT_PROMETHEUS_BINARY } from './prometheus-server';
export type { PrometheusServerOptions } from './prometheus-server';
export { PrometheusContainer } from './prometheus-container';
export type { PrometheusContainerOptions } from './prometheus-container';
export { PrometheusClient, PrometheusApiError } from './prometheus-client';
export type { AlertingRuleState, QueryResult, Sample, Series, ScrapeTargetState } from './prometheus-client';
export { renderPrometheusConfig, renderFileSdTargets, MIN_SCRAPE_INTERVAL_MS } from './prometheus-config';
export type { ScrapeTarget, PrometheusConfigInput } from './prometheus-config';
