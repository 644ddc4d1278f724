/**
 * A small typed client for Prometheus' HTTP API (prometheus.io/docs/prometheus/latest/querying/api):
 * instant queries, range queries and the targets list. Sample values arrive as strings
 * ("NaN", "+Inf" included) and are turned into numbers here.
 */

export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  /** Unix seconds. */
  readonly time: number;
  readonly value: number;
}

export interface Series {
  readonly metric: Readonly<Record<string, string>>;
  readonly points: readonly { readonly time: number; readonly value: number }[];
}

export type QueryResult =
  | { readonly resultType: 'vector'; readonly samples: readonly Sample[] }
  | { readonly resultType: 'scalar'; readonly time: number; readonly value: number }
  | { readonly resultType: 'string'; readonly time: number; readonly value: string }
  | { readonly resultType: 'matrix'; readonly series: readonly Series[] };

export interface ScrapeTargetState {
  readonly scrapeUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly labels: Readonly<Record<string, string>>;
  readonly lastError: string;
  /** ISO timestamp of the last scrape. */
  readonly lastScrape: string;
}

export interface AlertingRuleState {
  readonly name: string;
  readonly query: string;
  /** 'ok' once evaluated without error, 'err' with lastError, 'unknown' before the first evaluation. */
  readonly health: 'ok' | 'err' | 'unknown';
  readonly lastError: string;
  readonly state: 'inactive' | 'pending' | 'firing';
}

export class PrometheusApiError extends Error {
  override readonly name = 'PrometheusApiError';
  constructor(readonly path: string, readonly status: number, readonly errorType: string, detail: string, options?: { cause?: unknown }) {
    super(`prometheus ${path}: ${status} ${errorType}: ${detail}`, options);
  }
}

type RawPair = [number, string];
interface RawResponse {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
}

function toPoint([time, value]: RawPair): { time: number; value: number } {
  return { time, value: Number(value) };
}

export class PrometheusClient {
  constructor(readonly baseUrl: string) {}

  /** Instant query at `time` (Unix seconds; default now). */
  async query(promql: string, time?: number): Promise<QueryResult> {
    const params = new URLSearchParams({ query: promql });
    if (time !== undefined) params.set('time', String(time));
    return this.parseResult(await this.get('/api/v1/query', params));
  }

  /** Range query; start/end in Unix seconds, step in seconds. Always a matrix. */
  async queryRange(promql: string, start: number, end: number, stepSeconds: number): Promise<Series[]> {
    const params = new URLSearchParams({ query: promql, start: String(start), end: String(end), step: String(stepSeconds) });
    const result = this.parseResult(await this.get('/api/v1/query_range', params));
    if (result.resultType !== 'matrix') throw new PrometheusApiError('/api/v1/query_range', 200, 'bad_data', `expected a matrix, got ${result.resultType}`);
    return [...result.series];
  }

  /** Values of an instant vector query, by one label (e.g. 'daemon'), for quick assertions. */
  async vectorByLabel(promql: string, label: string): Promise<Map<string, number>> {
    const result = await this.query(promql);
    if (result.resultType !== 'vector') throw new PrometheusApiError('/api/v1/query', 200, 'bad_data', `expected a vector, got ${result.resultType}`);
    return new Map(result.samples.map((s) => [s.metric[label] ?? '', s.value]));
  }

  /** Every value of a label over the stored data, e.g. labelValues('__name__') for every metric name. */
  async labelValues(label: string): Promise<string[]> {
    return (await this.get(`/api/v1/label/${encodeURIComponent(label)}/values`, new URLSearchParams())) as string[];
  }

  /** The label sets of every series a selector matched between start and end (Unix seconds). */
  async series(selector: string, start: number, end: number): Promise<Array<Record<string, string>>> {
    const params = new URLSearchParams({ 'match[]': selector, start: String(start), end: String(end) });
    return (await this.get('/api/v1/series', params)) as Array<Record<string, string>>;
  }

  /** The loaded alerting rules with how their last evaluation went. */
  async alertingRules(): Promise<AlertingRuleState[]> {
    const data = (await this.get('/api/v1/rules', new URLSearchParams({ type: 'alert' }))) as { groups: Array<{ rules: AlertingRuleState[] }> };
    return data.groups.flatMap((g) => g.rules.map(({ name, query, health, lastError, state }) => ({ name, query, health, lastError: lastError ?? '', state })));
  }

  async activeTargets(): Promise<ScrapeTargetState[]> {
    const data = (await this.get('/api/v1/targets', new URLSearchParams({ state: 'active' }))) as { activeTargets: ScrapeTargetState[] };
    return data.activeTargets.map(({ scrapeUrl, health, labels, lastError, lastScrape }) => ({ scrapeUrl, health, labels, lastError, lastScrape }));
  }

  private async get(path: string, params: URLSearchParams): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}?${params.toString()}`, { signal: AbortSignal.timeout(10_000) });
    } catch (cause) {
      throw new PrometheusApiError(path, 0, 'unreachable', String(cause), { cause });
    }
    const body = (await res.json().catch(() => ({ status: 'error', errorType: 'bad_response', error: 'not JSON' }))) as RawResponse;
    if (body.status !== 'success') throw new PrometheusApiError(path, res.status, body.errorType ?? 'unknown', body.error ?? '');
    return body.data;
  }

  private parseResult(data: unknown): QueryResult {
    const { resultType, result } = data as { resultType: string; result: unknown };
    switch (resultType) {
      case 'vector':
        return {
          resultType,
          samples: (result as { metric: Record<string, string>; value: RawPair }[]).map(({ metric, value }) => ({ metric, ...toPoint(value) })),
        };
      case 'matrix':
        return {
          resultType,
          series: (result as { metric: Record<string, string>; values: RawPair[] }[]).map(({ metric, values }) => ({ metric, points: values.map(toPoint) })),
        };
      case 'scalar':
        return { resultType, ...toPoint(result as RawPair) };
      case 'string': {
        const [time, value] = result as RawPair;
        return { resultType, time, value };
      }
      default:
        throw new PrometheusApiError('/api/v1/query', 200, 'bad_data', `unknown resultType ${resultType}`);
    }
  }
}
