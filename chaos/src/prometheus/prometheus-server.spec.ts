/**
 * Debian's Prometheus scraping a prom-client gauge served by this test. Skipped, with the
 * reason printed, where /usr/bin/prometheus is missing.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { DEFAULT_PROMETHEUS_BINARY, PrometheusServer, prometheusVersion } from './prometheus-server';

jest.setTimeout(60_000);

const binary = process.env['PROMETHEUS_BIN'] ?? DEFAULT_PROMETHEUS_BINARY;
const available = fs.existsSync(binary);
const skipReason = `no ${binary} (chaos/scripts/install-deps.sh)`;
// Jest hides console output of a file whose tests all skip: stderr and the suite title carry it.
if (!available) process.stderr.write(`prometheus-server.spec skipped: ${skipReason}\n`);
const describeIfPrometheus = available ? describe : describe.skip;

interface Exporter {
  address: string;
  gauge: Gauge;
  close(): Promise<void>;
}

async function startExporter(): Promise<Exporter> {
  const registry = new Registry();
  const gauge = new Gauge({ name: 'chaos_test_value', help: 'a value the test sets', registers: [registry] });
  const server = http.createServer((req, res) => {
    void registry.metrics().then((text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { address: `127.0.0.1:${port}`, gauge, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function valueOf(prom: PrometheusServer, daemon: string): Promise<number | undefined> {
  return (await prom.client.vectorByLabel(`chaos_test_value{daemon="${daemon}"}`, 'daemon')).get(daemon);
}

async function waitForValue(prom: PrometheusServer, daemon: string, expected: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if ((await valueOf(prom, daemon)) === expected) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`chaos_test_value{daemon="${daemon}"} never became ${expected} within ${timeoutMs} ms`);
}

describeIfPrometheus(available ? 'PrometheusServer' : `PrometheusServer (skipped: ${skipReason})`, () => {
  let prom: PrometheusServer;
  let one: Exporter;
  let two: Exporter;

  beforeAll(async () => {
    one = await startExporter();
    two = await startExporter();
    one.gauge.set(1);
    const started = performance.now();
    prom = await PrometheusServer.start({ scrapeIntervalMs: 250, targets: [{ address: one.address, labels: { daemon: 'one' } }] });
    console.log(`${prometheusVersion(binary)}: ready in ${Math.round(performance.now() - started)} ms at ${prom.url}`);
  });

  afterAll(async () => {
    await prom?.stop();
    await one?.close();
    await two?.close();
  });

  it('scrapes the target and answers an instant query', async () => {
    await prom.waitForTargetsUp([one.address]);
    await waitForValue(prom, 'one', 1, 5000);
  });

  it('sees a changed value within two scrape intervals', async () => {
    await waitForValue(prom, 'one', 1, 5000);
    one.gauge.set(42);
    const tookMs = await waitForValue(prom, 'one', 42, 5000);
    console.log(`gauge change visible after ${Math.round(tookMs)} ms (scrape interval 250 ms)`);
    // Two intervals for the scrape, plus slack for the query round trips on a busy CI box.
    expect(tookMs).toBeLessThanOrEqual(2 * 250 + 150);
  });

  it('picks up new targets from the rewritten file_sd file', async () => {
    two.gauge.set(7);
    prom.reloadTargets([
      { address: one.address, labels: { daemon: 'one' } },
      { address: two.address, labels: { daemon: 'two' } },
    ]);
    await prom.waitForTargetsUp([one.address, two.address], 10_000);
    await waitForValue(prom, 'two', 7, 5000);
    const targets = await prom.client.activeTargets();
    expect(targets.map((t) => t.labels['daemon']).sort()).toEqual(['one', 'two']);
  });

  it('answers range queries as typed series', async () => {
    const now = Date.now() / 1000;
    const series = await prom.client.queryRange('chaos_test_value{daemon="one"}', now - 5, now, 0.25);
    expect(series).toHaveLength(1);
    expect(series[0]?.metric['daemon']).toBe('one');
    expect(series[0]?.points.some((p) => p.value === 42)).toBe(true);
  });

  it('reports a bad query as PrometheusApiError', async () => {
    await expect(prom.client.query('sum(')).rejects.toMatchObject({ name: 'PrometheusApiError', status: 400, errorType: 'bad_data' });
  });

  it('removes its directory on stop', async () => {
    const other = await PrometheusServer.start({ scrapeIntervalMs: 500 });
    expect(fs.existsSync(other.dir)).toBe(true);
    await other.stop();
    expect(fs.existsSync(other.dir)).toBe(false);
  });
});
