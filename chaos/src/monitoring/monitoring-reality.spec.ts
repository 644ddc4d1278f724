/**
 * Monitoring checked against reality: a real HA cluster (each daemon a process, as the chaos
 * harness starts it: both statestoreds, the catalogd pair with catalogd HA, a coordinator, two
 * executors) scraped by a real Prometheus (Debian's, as the chaos suites use) that loads the
 * shipped alerting rules. Every panel query of the Grafana dashboard and every alert expression
 * goes through Prometheus' HTTP API: each must name only metrics and labels the daemons export,
 * each selector must match series, each panel must return series, and Prometheus must evaluate
 * every rule without error. Midway the active statestored is killed (SIGKILL), and the failover
 * panels must show it. As root each daemon runs on its own "host" (a network namespace with
 * its own address) and every flag names its peers by host name only (named-hosts.ts): the
 * run also shows the daemons need no loopback. Without root they share 127.0.0.1. Targets carry instance=<daemon name>, as the ServiceMonitor sets it
 * (compose keeps Prometheus' host:port, statestored-1:25010, which names the daemon too).
 * Skipped, with the reason printed, where /usr/bin/prometheus is missing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { DaemonSpec } from '@statestore-ha/cluster';
import { DEFAULT_TIMING, planCluster, ProcessRuntime, statestoreIndex, STATESTORED_NAMES } from '../cluster';
import type { StatestoredName } from '../cluster';
import type { DaemonPlacement } from '../cluster';
import { canUseNetns } from '../netfault';
import { DEFAULT_PROMETHEUS_BINARY, PrometheusServer } from '../prometheus';
import type { Series } from '../prometheus';
import { dashboardQueries, substituteGrafanaVariables } from './dashboard-queries';
import type { PanelQuery, QueryWindow } from './dashboard-queries';
import { promqlReferences } from './promql-references';
import { placeOnNamedHosts } from './named-hosts';
import type { NamedHostCluster } from './named-hosts';
import { exportedData, finiteSeries, referenceProblems } from './query-check';
import type { ExportedData } from './query-check';

const REPO = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(REPO, 'dist');
const DASHBOARD = path.join(REPO, 'docker/grafana/dashboards/statestore-ha.json');
const ALERT_RULES = path.join(REPO, 'docker/statestore-alerts.yml');
const STATESTORED_MANIFEST = path.join(REPO, 'deploy/kubernetes/base/statestored.yaml');
const SCRAPE_MS = 250;
const STEP_S = 1;

const binary = process.env['PROMETHEUS_BIN'] ?? DEFAULT_PROMETHEUS_BINARY;
const skipReason = fs.existsSync(binary) ? undefined : `no ${binary} (chaos/scripts/install-deps.sh installs Debian's prometheus)`;
if (skipReason) process.stderr.write(`monitoring-reality.spec skipped: ${skipReason}\n`);
const describeIfPrometheus = skipReason ? describe.skip : describe;
const netns = skipReason ? { ok: false as const, reason: 'skipped' } : canUseNetns();
const MODE = netns.ok ? 'each daemon on its own host, peers named by host name' : `all on 127.0.0.1 (${netns.reason})`;

jest.setTimeout(180_000);

interface Rule {
  alert: string;
  expr: string;
}
const rules: Rule[] = (parseAllDocuments(fs.readFileSync(ALERT_RULES, 'utf8'))[0]?.toJS() as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);

/**
 * What each panel must show. 'series': some series with a finite value over the run.
 * The failover panels also get a check of what the kill did to them (see below). A panel
 * added to the dashboard without an entry here fails the spec, and so does a stale entry.
 */
const PANELS: Record<string, 'series' | 'failover'> = {
  'Active statestoreds': 'failover',
  'Active epoch': 'failover',
  'Takeovers in range': 'failover',
  'Active statestored': 'failover',
  'Role changes': 'failover',
  'Failover duration': 'failover',
  'HA peer link': 'failover',
  'Subscribers following each statestored': 'failover',
  'Live subscribers per statestored': 'failover',
  'Subscriber links up': 'series',
  'Subscriber failovers': 'failover',
  'Epoch accepted by subscribers': 'failover',
  'Oldest heartbeat per link': 'series',
  'Heartbeat round trip': 'series',
  'Heartbeat failures': 'series',
  'Topic update duration (p99)': 'series',
  'Topic size': 'series',
  'Topic entries': 'series',
  'Active catalogd': 'series',
  'Catalog versions': 'series',
  'Catalogd role changes': 'series',
  'Event-loop lag (p99)': 'series',
  CPU: 'series',
  'Resident memory': 'series',
  'Membership size per impalad': 'series',
  'Catalog version per coordinator': 'series',
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const now = (): number => Date.now() / 1000;

describeIfPrometheus(`the dashboard and the alert rules against a real cluster and Prometheus (${MODE})`, () => {
  let prom: PrometheusServer;
  let hosts: NamedHostCluster | undefined;
  let runtime: ProcessRuntime;
  let specs: DaemonSpec[];
  let workDir: string;
  let subscribers = 0;
  let oldActive: StatestoredName;
  let survivor: StatestoredName;
  let standbyHealthz: { path: string; status: number } | undefined;
  let tStart = 0;
  let tKill = 0;
  let tEnd = 0;
  let exported: ExportedData;
  let window: QueryWindow;
  const queries = dashboardQueries(DASHBOARD);
  const results = new Map<string, Series[]>();

  async function until(what: string, promql: string, test: (v: number) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      const r = await prom.client.query(promql);
      last = r.resultType === 'vector' ? r.samples.map((s) => s.value) : r;
      if (r.resultType === 'vector' && r.samples.length > 0 && r.samples.every((s) => test(s.value))) return;
      await sleep(200);
    }
    throw new Error(`${what}: ${promql} still ${JSON.stringify(last)} after ${timeoutMs} ms\n${prom.recentLog().slice(-1500)}`);
  }

  beforeAll(async () => {
    for (const app of ['statestored', 'catalogd', 'impalad']) {
      if (!fs.existsSync(path.join(DIST, 'apps', app, 'main.js'))) throw new Error(`dist/apps/${app}/main.js missing: build the apps first (nx run-many -t build)`);
    }
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-monitoring-'));
    specs = await planCluster({ coordinators: 1, executors: 2, catalogds: 2, catalogdHa: true }, DEFAULT_TIMING);
    let placements: ReadonlyMap<string, DaemonPlacement> = new Map();
    if (netns.ok) {
      hosts = await placeOnNamedHosts(specs);
      specs = hosts.specs;
      placements = hosts.placements;
    }
    subscribers = specs.filter((s) => s.app !== 'statestored').length;
    // instance = the daemon's name, as the ServiceMonitor sets it (the pod's name).
    prom = await PrometheusServer.start({
      scrapeIntervalMs: SCRAPE_MS,
      targets: specs.map((s) => ({ address: `${placements.get(s.name)?.webHost ?? '127.0.0.1'}:${s.webPort}`, labels: { instance: s.name } })),
      ruleFiles: [ALERT_RULES],
    });
    runtime = new ProcessRuntime({ distDir: DIST, logDir: workDir });
    tStart = now();
    await runtime.start(specs, placements);
    await prom.waitForTargetsUp(specs.map((s) => s.name), 20_000);
    await until('one active statestored', 'sum(statestore_is_active)', (v) => v === 1, 20_000);
    const active = await prom.client.vectorByLabel('statestore_is_active == 1', 'instance');
    oldActive = [...active.keys()][0] as StatestoredName;
    survivor = STATESTORED_NAMES.find((n) => n !== oldActive) as StatestoredName;
    await until('every subscriber following the active', `sum(statestore_subscriber_is_active_statestore{statestore="${statestoreIndex(oldActive)}"})`, (v) => v === subscribers, 20_000);
    // The Kubernetes liveness probe of statestored, asked of the standby: it must not fail.
    const manifest = parseAllDocuments(fs.readFileSync(STATESTORED_MANIFEST, 'utf8')).map((d) => d.toJS() as { kind: string; spec?: { template: { spec: { containers: Array<{ livenessProbe?: { httpGet?: { path?: string } } }> } } } });
    const probePath = manifest.find((o) => o.kind === 'StatefulSet')?.spec?.template.spec.containers[0]?.livenessProbe?.httpGet?.path;
    if (probePath) standbyHealthz = { path: probePath, status: (await fetch(`${runtime.webUrl(survivor)}${probePath}`)).status };
    // A few seconds of steady state, so rates have samples on both sides of the kill.
    await sleep(3000);
    tKill = now();
    await runtime.kill(oldActive);
    await until('the survivor active', `statestore_is_active{instance="${survivor}"}`, (v) => v === 1, 30_000);
    await until('every subscriber following the survivor', `sum(statestore_subscriber_is_active_statestore{statestore="${statestoreIndex(survivor)}"})`, (v) => v === subscribers, 30_000);
    await sleep(3000);
    tEnd = now();
    window = { start: tStart, end: tEnd, stepSeconds: STEP_S, scrapeIntervalSeconds: SCRAPE_MS / 1000 };
    exported = await exportedData(prom.client, tStart, tEnd);
    for (const q of queries) results.set(`${q.panel}/${q.refId}`, await prom.client.queryRange(substituteGrafanaVariables(q.expr, window), tStart, tEnd, STEP_S));
  });

  afterAll(async () => {
    await runtime?.stop();
    await prom?.stop();
    await hosts?.cleanup();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  const seriesOf = (panel: string, refId = 'A'): Series[] => results.get(`${panel}/${refId}`) ?? [];
  const valueAt = (s: Series | undefined, t: number): number | undefined => [...(s?.points ?? [])].reverse().find((p) => p.time <= t && Number.isFinite(p.value))?.value;
  const last = (s: Series | undefined): number | undefined => valueAt(s, Number.POSITIVE_INFINITY);
  const byLabel = (series: Series[], label: string, value: string): Series | undefined => series.find((s) => s.metric[label] === value);
  const afterKill = (s: Series | undefined): number[] => (s?.points ?? []).filter((p) => p.time > tKill && Number.isFinite(p.value)).map((p) => p.value);

  (netns.ok ? it : it.skip)('ran every daemon with host names only: no address and no loopback in any flag', () => {
    const hostFlags = specs.flatMap((s) => ['hostname', 'state_store_host', 'state_store_2_host', 'state_store_peer_host'].filter((f) => f in s.flags).map((f) => `${s.name} --${f}=${String(s.flags[f])}`));
    expect(hostFlags.length).toBe(specs.length + 2 * subscribers + 2);
    expect(hostFlags.filter((f) => !/=(statestored|catalogd|coordinator|executor)-\d+$/.test(f))).toEqual([]);
  });

  it('covers every panel of the dashboard, and no other', () => {
    expect([...new Set(queries.map((q) => q.panel))].sort()).toEqual(Object.keys(PANELS).sort());
  });

  it.each(queries.map((q): [string, PanelQuery] => [`${q.panel} (${q.refId})`, q]))('panel %s reads only exported metrics and labels, and every selector matches', async (_name, q) => {
    const expr = substituteGrafanaVariables(q.expr, window);
    expect([expr.includes('$') ? `unknown variable in ${expr}` : undefined].filter(Boolean)).toEqual([]);
    expect(await referenceProblems(expr, exported)).toEqual([]);
    for (const selector of promqlReferences(expr).selectors) expect([selector, (await prom.client.series(selector, tStart, tEnd)).length > 0]).toEqual([selector, true]);
  });

  it.each(queries.map((q): [string, PanelQuery] => [`${q.panel} (${q.refId})`, q]))('panel %s returns series with values', (_name, q) => {
    expect(finiteSeries(seriesOf(q.panel, q.refId)).length).toBeGreaterThan(0);
  });

  it.each(rules.map((r): [string, Rule] => [r.alert, r]))('alert %s reads only exported metrics and labels, and every selector matches', async (_name, rule) => {
    expect(await referenceProblems(rule.expr, exported)).toEqual([]);
    for (const selector of promqlReferences(rule.expr).selectors) expect([selector, (await prom.client.series(selector, tStart, tEnd)).length > 0]).toEqual([selector, true]);
  });

  it('Prometheus evaluates every alert rule without error, and StatestoreTakeover fires for the survivor', async () => {
    const loaded = await prom.client.alertingRules();
    expect(loaded.map((r) => r.name).sort()).toEqual(rules.map((r) => r.alert).sort());
    expect(loaded.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError}`)).toEqual([]);
    const firing = await prom.client.vectorByLabel('ALERTS{alertname="StatestoreTakeover", alertstate="firing"}', 'instance');
    expect([...firing.keys()]).toEqual([survivor]);
  });

  describe('the failover shows in the failover panels', () => {
    it('Active statestored: the killed one before, the survivor after', () => {
      const series = seriesOf('Active statestored');
      expect([valueAt(byLabel(series, 'instance', oldActive), tKill), last(byLabel(series, 'instance', survivor))]).toEqual([1, 1]);
      expect(valueAt(byLabel(series, 'instance', survivor), tKill)).toBe(0);
      expect([valueAt(seriesOf('Active statestoreds')[0], tKill), last(seriesOf('Active statestoreds')[0])]).toEqual([1, 1]);
    });

    it('Active epoch and Epoch accepted by subscribers: a larger epoch, accepted by all', () => {
      const before = valueAt(seriesOf('Active epoch')[0], tKill) ?? Number.NaN;
      const after = last(seriesOf('Active epoch')[0]) ?? Number.NaN;
      expect(after).toBeGreaterThan(before);
      expect([last(seriesOf('Epoch accepted by subscribers', 'A')[0]), last(seriesOf('Epoch accepted by subscribers', 'B')[0])]).toEqual([after, after]);
    });

    it('Role changes, Takeovers in range and Failover duration: one takeover by the survivor, shorter than statestore_peer_timeout_seconds (a killed process is crash evidence)', () => {
      const promoted = seriesOf('Role changes').find((s) => s.metric['instance'] === survivor && s.metric['to'] === 'active');
      expect(Math.max(0, ...afterKill(promoted))).toBeGreaterThan(0);
      expect(last(seriesOf('Takeovers in range')[0])).toBeGreaterThanOrEqual(1);
      const durations = afterKill(byLabel(seriesOf('Failover duration'), 'instance', survivor));
      console.log(`failover duration on the dashboard: ${durations.map((d) => d.toFixed(2)).join(', ')} s (statestore_peer_timeout_seconds=${DEFAULT_TIMING.peerTimeoutS})`);
      expect(durations.length).toBeGreaterThan(0);
      // The histogram's own measurement: from the last HA heartbeat to the promotion. The killed
      // active's ports refuse connects, so the standby need not wait out the peer timeout.
      expect(Math.min(...durations)).toBeGreaterThan(0);
      expect(Math.max(...durations)).toBeLessThan(DEFAULT_TIMING.peerTimeoutS);
    });

    it('Subscribers following each statestored and Subscriber failovers: every subscriber moves over', () => {
      const following = seriesOf('Subscribers following each statestored');
      expect(valueAt(byLabel(following, 'statestore', String(statestoreIndex(oldActive))), tKill)).toBe(subscribers);
      expect(last(byLabel(following, 'statestore', String(statestoreIndex(survivor))))).toBe(subscribers);
      const switches = afterKill(seriesOf('Subscriber failovers')[0]);
      expect(switches.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    });

    it('Live subscribers per statestored and HA peer link: the survivor holds every subscriber and has lost its peer', () => {
      expect(last(byLabel(seriesOf('Live subscribers per statestored'), 'instance', survivor))).toBe(subscribers);
      const peer = byLabel(seriesOf('HA peer link'), 'instance', survivor);
      expect([valueAt(peer, tKill), last(peer)]).toEqual([1, 0]);
    });
  });

  it('the standby answers the Kubernetes liveness probe path with 200', () => {
    expect(standbyHealthz).toEqual({ path: '/healthz', status: 200 });
  });

  it('prints what each daemon used, for the pods\' requests', async () => {
    const rss = await prom.client.vectorByLabel('max by (instance) (max_over_time(process_resident_memory_bytes[1m]))', 'instance');
    const cpu = await prom.client.vectorByLabel('max by (instance) (rate(process_cpu_seconds_total[1m]))', 'instance');
    const lines = [...rss.entries()].sort().map(([name, bytes]) => `${name}: RSS max ${(bytes / 2 ** 20).toFixed(0)} MiB, CPU ${((cpu.get(name) ?? 0) * 100).toFixed(1)} % of a core`);
    console.log(`resource use over the run (${subscribers} subscribers):\n${lines.join('\n')}`);
    // The killed statestored too: its samples are within the minute.
    expect([...rss.keys()].sort()).toEqual(specs.map((s) => s.name).sort());
  });

  describe('fails when broken on purpose', () => {
    it('a panel query naming a metric the daemons do not export, and a label they do not set', async () => {
      expect(await referenceProblems('sum by (statestored) (statestore_is_activ)', exported)).toEqual(['metric statestore_is_activ is not exported by any daemon', 'label statestored is on none of statestore_is_activ']);
      expect(await referenceProblems('sum by (statestored) (statestore_is_active)', exported)).toEqual(['label statestored is on none of statestore_is_active']);
    });

    it('a selector whose matcher matches nothing, as in an alert that could never fire', async () => {
      const expr = 'nodejs_eventloop_lag_p99_seconds{daemon="statestore"} > 0.5';
      expect(await referenceProblems(expr, exported)).toEqual([]);
      expect(await prom.client.series(promqlReferences(expr).selectors[0] ?? '', tStart, tEnd)).toEqual([]);
    });

    it('a query that returns no series', async () => {
      const series = await prom.client.queryRange(substituteGrafanaVariables('sum by (instance) (increase(statestore_role_changes_total{to="leader"}[$__rate_interval]))', window), tStart, tEnd, STEP_S);
      expect(finiteSeries(series)).toEqual([]);
    });
  });
});
