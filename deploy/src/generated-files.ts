/**
 * Files committed to the repo but made from one source each, so they cannot drift apart:
 * the Grafana dashboard (from grafana/statestore-dashboard.ts) for compose and for the
 * prometheus-operator overlay (kustomize reads only files below its own directory, so the
 * overlay needs its own copy), and the PrometheusRule (from docker/statestore-alerts.yml, the
 * rules compose's Prometheus loads and promtool tests). generated-files.spec.ts compares them;
 * `REWRITE=1 npx nx test deploy` writes them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { statestoreDashboard } from './grafana/statestore-dashboard';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const ALERT_RULES_FILE = path.join(REPO_ROOT, 'docker/statestore-alerts.yml');
export const COMPOSE_DASHBOARD_FILE = path.join(REPO_ROOT, 'docker/grafana/dashboards/statestore-ha.json');
export const OVERLAY_DIR = path.join(REPO_ROOT, 'deploy/kubernetes/overlays/prometheus-operator');

export interface GeneratedFile {
  /** Absolute path. */
  readonly path: string;
  readonly source: string;
  render(): string;
}

const REWRITE_HINT = 'REWRITE=1 npx nx test deploy';

function dashboardJson(): string {
  return `${JSON.stringify(statestoreDashboard(), null, 2)}\n`;
}

/** The alerting rules as a prometheus-operator PrometheusRule, groups copied unchanged. */
export function prometheusRuleYaml(rulesYaml: string): string {
  const { groups } = parse(rulesYaml) as { groups: unknown[] };
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'statestore-ha', labels: { 'app.kubernetes.io/part-of': 'statestore-ha' } },
    spec: { groups },
  };
  return `# Generated from docker/statestore-alerts.yml (${REWRITE_HINT}); edit that file, not this one.\n${stringify(rule, { lineWidth: 0 })}`;
}

export const GENERATED_FILES: readonly GeneratedFile[] = [
  { path: COMPOSE_DASHBOARD_FILE, source: 'deploy/src/grafana/statestore-dashboard.ts', render: dashboardJson },
  { path: path.join(OVERLAY_DIR, 'dashboards/statestore-ha.json'), source: 'deploy/src/grafana/statestore-dashboard.ts', render: dashboardJson },
  { path: path.join(OVERLAY_DIR, 'prometheus-rule.yaml'), source: 'docker/statestore-alerts.yml', render: () => prometheusRuleYaml(fs.readFileSync(ALERT_RULES_FILE, 'utf8')) },
];

export { REWRITE_HINT };
