/** A real Prometheus for chaos runs, and a typed client over its HTTP API. */
export { PrometheusServer, PrometheusUnavailableError, PrometheusStartError, prometheusVersion, DEFAULT_PROMETHEUS_BINARY } from './prometheus-server';
export type { PrometheusServerOptions } from './prometheus-server';
export { PrometheusClient, PrometheusApiError } from './prometheus-client';
export type { QueryResult, Sample, Series, ScrapeTargetState } from './prometheus-client';
export { renderPrometheusConfig, renderFileSdTargets, MIN_SCRAPE_INTERVAL_MS } from './prometheus-config';
export type { ScrapeTarget, PrometheusConfigInput } from './prometheus-config';
