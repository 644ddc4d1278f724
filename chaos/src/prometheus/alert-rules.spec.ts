/**
 * docker/statestore-alerts.yml, the alerting rules shipped with the compose cluster and loaded by
 * chaos runs: every metric they read exists, Prometheus' own promtool accepts them (and the
 * compose cluster's prometheus.yml that loads them), and each
 * alert fires (and stays quiet) as intended on synthetic series (`promtool test rules`). The
 * promtool cases are built here so a rule's long annotations are read from the rules file, not
 * copied; only templated annotations are spelled out as rendered. Skipped, with the reason
 * printed, where promtool (Debian's `prometheus` package) is missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { METRIC_DEFINITIONS } from '@statestore-ha/metrics';

const RULES_FILE = path.resolve(__dirname, '../../../docker/statestore-alerts.yml');
const PROMTOOL = process.env['PROMTOOL_BIN'] ?? '/usr/bin/promtool';
const promtoolMissing = fs.existsSync(PROMTOOL) ? undefined : `no ${PROMTOOL} (chaos/scripts/install-deps.sh installs Debian's prometheus)`;
if (promtoolMissing) process.stderr.write(`alert-rules.spec: promtool cases skipped: ${promtoolMissing}\n`);

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const rules: Rule[] = (parse(fs.readFileSync(RULES_FILE, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);

/** prom-client's default process metrics the rules may use besides the table's own. */
const DEFAULT_METRICS = new Set(['nodejs_eventloop_lag_p99_seconds']);

function knownMetric(name: string): boolean {
  const own = Object.values(METRIC_DEFINITIONS).map((d) => d.name);
  return DEFAULT_METRICS.has(name) || own.some((m) => name === m || ['_count', '_sum', '_bucket'].some((suffix) => name === `${m}${suffix}`));
}

interface ExpectedAlert {
  /** The series' labels the alert keeps, besides alertname and the rule's own labels. */
  labels?: Record<string, string>;
  /** Rendered values of templated annotations; the others come from the rules file. */
  annotations?: Record<string, string>;
}

interface AlertCase {
  name: string;
  alert: string;
  /** promtool series notation, e.g. '0x20' or '0+5x40'; one sample per 15 s. */
  series: Record<string, string>;
  /** Seconds after the start -> the alerts firing then. */
  expect: Array<[number, ExpectedAlert[]]>;
}

const SS1 = 'instance="ss1:25010", daemon="statestored"';
const SS2 = 'instance="ss2:25010", daemon="statestored"';
const IMPALAD = 'instance="exec1:25000", daemon="impalad"';
const CATALOGD = 'instance="catalogd:25020", daemon="catalogd"';

const CASES: AlertCase[] = [
  {
    name: 'no statestored active for a minute',
    alert: 'StatestoreNoActive',
    series: { [`statestore_is_active{${SS1}}`]: '0x10', [`statestore_is_active{${SS2}}`]: '0x10' },
    expect: [
      [45, []],
      [90, [{}]],
    ],
  },
  {
    name: 'a failover that takes 30 s stays quiet',
    alert: 'StatestoreNoActive',
    series: { [`statestore_is_active{${SS1}}`]: '1 _ _ _ _ _ _ _ _ _ _', [`statestore_is_active{${SS2}}`]: '0 0 0 1 1 1 1 1 1 1 1' },
    expect: [
      [30, []],
      [150, []],
    ],
  },
  {
    name: 'no statestored exporting at all',
    alert: 'StatestoreNoActive',
    series: { [`statestore_live_subscribers{${SS1}}`]: '0x10' },
    expect: [[90, [{}]]],
  },
  {
    name: 'subscribers following different statestoreds for a minute',
    alert: 'StatestoreSubscribersSplit',
    series: {
      [`statestore_subscriber_is_active_statestore{${IMPALAD}, statestore="1"}`]: '1x10',
      [`statestore_subscriber_is_active_statestore{${IMPALAD}, statestore="2"}`]: '0x10',
      [`statestore_subscriber_is_active_statestore{${CATALOGD}, statestore="1"}`]: '0x10',
      [`statestore_subscriber_is_active_statestore{${CATALOGD}, statestore="2"}`]: '1x10',
    },
    expect: [
      [45, []],
      [90, [{}]],
    ],
  },
  {
    name: 'a switch-over where one subscriber lags 15 s stays quiet',
    alert: 'StatestoreSubscribersSplit',
    series: {
      [`statestore_subscriber_is_active_statestore{${IMPALAD}, statestore="1"}`]: '1 0x10',
      [`statestore_subscriber_is_active_statestore{${IMPALAD}, statestore="2"}`]: '0 1x10',
      [`statestore_subscriber_is_active_statestore{${CATALOGD}, statestore="1"}`]: '1 1 0x10',
      [`statestore_subscriber_is_active_statestore{${CATALOGD}, statestore="2"}`]: '0 0 1x10',
    },
    expect: [[120, []]],
  },
  {
    name: 'both statestoreds active for a minute',
    alert: 'StatestoreMultipleActive',
    series: { [`statestore_is_active{${SS1}}`]: '1x10', [`statestore_is_active{${SS2}}`]: '1x10' },
    expect: [[90, [{ annotations: { summary: '2 statestoreds report themselves active' } }]]],
  },
  {
    name: 'three promotions within 15 minutes',
    alert: 'StatestoreRoleFlapping',
    series: { [`statestore_role_changes_total{${SS1}, to="active"}`]: '0 0 1 1 2 2 2', [`statestore_role_changes_total{${SS2}, to="active"}`]: '0 0 0 1 1 1 1' },
    expect: [
      [30, []],
      [60, [{ annotations: { summary: '3 promotions to active in 15 minutes' } }]],
    ],
  },
  {
    name: 'a takeover',
    alert: 'StatestoreTakeover',
    series: { [`statestore_failover_duration_seconds_count{${SS2}}`]: '0 0 1x30' },
    expect: [
      [15, []],
      [45, [{ labels: { instance: 'ss2:25010', daemon: 'statestored' }, annotations: { summary: 'ss2:25010 took over as the active statestored' } }]],
      [450, []],
    ],
  },
  {
    name: 'the pair cut from each other for two minutes',
    alert: 'StatestorePeerDisconnected',
    series: { [`statestore_peer_connected{${SS1}}`]: '0x12', [`statestore_peer_connected{${SS2}}`]: '0x12' },
    expect: [
      [60, []],
      [
        150,
        [
          { labels: { instance: 'ss1:25010', daemon: 'statestored' }, annotations: { summary: 'ss1:25010 has lost its HA peer' } },
          { labels: { instance: 'ss2:25010', daemon: 'statestored' }, annotations: { summary: 'ss2:25010 has lost its HA peer' } },
        ],
      ],
    ],
  },
  {
    name: 'a lone statestored (HA off) has no peer to lose',
    alert: 'StatestorePeerDisconnected',
    series: { [`statestore_peer_connected{${SS1}}`]: '0x12' },
    expect: [[150, []]],
  },
  {
    name: 'recovery mode for two minutes',
    alert: 'StatestoreInRecoveryMode',
    series: { [`statestore_ha_recovery_mode{${SS1}}`]: '1x12' },
    expect: [[150, [{ labels: { instance: 'ss1:25010', daemon: 'statestored' }, annotations: { summary: 'ss1:25010 has been in HA recovery mode for 2 minutes' } }]]],
  },
  {
    name: 'a subscriber following neither statestored for a minute',
    alert: 'StatestoreSubscriberFollowsNone',
    series: {
      [`statestore_subscriber_is_active_statestore{${IMPALAD}, statestore="1"}`]: '0x10',
      [`statestore_subscriber_is_active_statestore{${IMPALAD}, statestore="2"}`]: '0x10',
      [`statestore_subscriber_is_active_statestore{${CATALOGD}, statestore="1"}`]: '1x10',
      [`statestore_subscriber_is_active_statestore{${CATALOGD}, statestore="2"}`]: '0x10',
    },
    expect: [[90, [{ labels: { instance: 'exec1:25000', daemon: 'impalad' }, annotations: { summary: 'exec1:25000 (impalad) follows no statestored' } }]]],
  },
  {
    name: 'five failed heartbeats a second',
    alert: 'StatestoreHeartbeatFailures',
    series: { [`statestore_heartbeat_failures_total{${SS1}}`]: '0+75x20' },
    expect: [
      [90, []],
      [270, [{ labels: { instance: 'ss1:25010', daemon: 'statestored' }, annotations: { summary: 'ss1:25010 fails 5 heartbeats/s' } }]],
    ],
  },
  {
    name: 'a statestored event loop lagging 800 ms',
    alert: 'StatestoreEventLoopStalled',
    series: { [`nodejs_eventloop_lag_p99_seconds{${SS1}}`]: '0.8x10', [`nodejs_eventloop_lag_p99_seconds{${IMPALAD}}`]: '2x10' },
    expect: [[90, [{ labels: { instance: 'ss1:25010', daemon: 'statestored' }, annotations: { summary: 'ss1:25010 event loop lags 800ms (p99)' } }]]],
  },
];

function ruleOf(alert: string): Rule {
  const rule = rules.find((r) => r.alert === alert);
  if (!rule) throw new Error(`no rule ${alert} in ${RULES_FILE}`);
  return rule;
}

/** One promtool test group per case; JSON is YAML, so no YAML writer is needed. */
function promtoolTests(): object {
  return {
    rule_files: [RULES_FILE],
    evaluation_interval: '15s',
    tests: CASES.map((c) => {
      const rule = ruleOf(c.alert);
      return {
        name: c.name,
        interval: '15s',
        input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: c.expect.map(([atS, alerts]) => ({
          eval_time: `${atS}s`,
          alertname: c.alert,
          exp_alerts: alerts.map((a) => ({ exp_labels: { ...rule.labels, ...a.labels }, exp_annotations: { ...rule.annotations, ...a.annotations } })),
        })),
      };
    }),
  };
}

describe('docker/statestore-alerts.yml', () => {
  it('reads only metrics the daemons export', () => {
    const used = new Set(rules.flatMap((r) => r.expr.match(/\b(?:statestore|nodejs|process|catalogd|impalad)_[a-z0-9_]+\b/g) ?? []));
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((m) => !knownMetric(m))).toEqual([]);
  });

  it('gives every alert a severity, a summary and a description, and a test case', () => {
    for (const r of rules) {
      expect([r.alert, ['critical', 'warning', 'info'].includes(r.labels['severity'] ?? '')]).toEqual([r.alert, true]);
      expect([r.alert, Boolean(r.annotations['summary'] && r.annotations['description'])]).toEqual([r.alert, true]);
    }
    expect(rules.map((r) => r.alert).filter((a) => !CASES.some((c) => c.alert === a))).toEqual([]);
  });

  (promtoolMissing ? it.skip : it)('passes promtool check rules and every promtool test case', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-rules-spec-'));
    try {
      const check = spawnSync(PROMTOOL, ['check', 'rules', RULES_FILE], { encoding: 'utf8' });
      expect([check.status, check.stdout + check.stderr]).toEqual([0, expect.stringContaining(`SUCCESS: ${rules.length} rules found`)]);
      const config = spawnSync(PROMTOOL, ['check', 'config', path.join(path.dirname(RULES_FILE), 'prometheus.yml')], { encoding: 'utf8' });
      expect([config.status, config.stdout + config.stderr]).toEqual([0, expect.stringContaining(`SUCCESS: ${rules.length} rules found`)]);
      const testFile = path.join(dir, 'statestore-alerts.test.yml');
      fs.writeFileSync(testFile, JSON.stringify(promtoolTests(), null, 2));
      const run = spawnSync(PROMTOOL, ['test', 'rules', testFile], { encoding: 'utf8' });
      // promtool prints what it expected and got for every failing case.
      expect([run.status, run.stdout + run.stderr]).toEqual([0, expect.stringContaining('SUCCESS')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
