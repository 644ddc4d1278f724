/**
 * The Grafana dashboard for a statestore-ha cluster, built with Grafana's foundation SDK so a
 * panel is checked by the compiler, not by eye in a 1,500-line JSON file. The committed JSON
 * (docker/grafana/dashboards/, and the prometheus-operator overlay's copy) is this builder's
 * output: generated-files.spec.ts fails when they differ and rewrites them with REWRITE=1.
 *
 * Every query reads only what the daemons export (libs/metrics) and the target's `instance`
 * label, which each deployment sets to the daemon's name (compose: the service, Kubernetes:
 * the pod). chaos/src/monitoring runs every query against a real cluster and a real Prometheus.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

export const DASHBOARD_UID = 'statestore-ha';

const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

interface Query {
  readonly expr: string;
  readonly legend: string;
}

type PanelKind = 'stat' | 'state' | 'lines' | 'bars';

interface PanelSpec {
  readonly kind: PanelKind;
  readonly title: string;
  readonly description: string;
  readonly queries: readonly Query[];
  readonly unit?: string;
  /** Grid width out of 24. */
  readonly span: number;
  /** For stat panels: colour steps, base first. */
  readonly steps?: readonly dashboard.Threshold[];
  readonly mappings?: readonly dashboard.ValueMapping[];
}

interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

const q = (expr: string, legend: string): Query => ({ expr, legend });

const ACTIVE_STANDBY: dashboard.ValueMapping[] = [
  { type: dashboard.MappingType.ValueToText, options: { '0': { text: 'standby', color: 'blue', index: 0 }, '1': { text: 'active', color: 'green', index: 1 } } },
];
const CONNECTED: dashboard.ValueMapping[] = [
  { type: dashboard.MappingType.ValueToText, options: { '0': { text: 'lost', color: 'red', index: 0 }, '1': { text: 'connected', color: 'green', index: 1 } } },
];

export const ROWS: readonly RowSpec[] = [
  {
    title: 'Statestored HA pair',
    panels: [
      {
        kind: 'stat',
        title: 'Active statestoreds',
        description: 'How many statestoreds report themselves active: 1 is healthy, 0 means no topic updates flow, 2 is a stale active that epoch fencing should step down within a resend interval.',
        queries: [q('sum(statestore_is_active)', 'active')],
        span: 4,
        steps: [
          { value: null, color: 'red' },
          { value: 1, color: 'green' },
          { value: 2, color: 'red' },
        ],
      },
      {
        kind: 'stat',
        title: 'Active epoch',
        description: 'Epoch of the active statestored (a fencing token: every promotion takes a larger one; subscribers never accept a lower one).',
        queries: [q('max(statestore_active_epoch)', 'epoch')],
        unit: 'none',
        span: 6,
      },
      {
        kind: 'stat',
        title: 'Takeovers in range',
        description: 'Promotions of a standby after it lost the active (statestore_failover_duration_seconds observations) in the selected time range.',
        queries: [q('sum(increase(statestore_failover_duration_seconds_count[$__range]))', 'takeovers')],
        unit: 'none',
        span: 4,
        steps: [
          { value: null, color: 'green' },
          { value: 1, color: 'orange' },
        ],
      },
      {
        kind: 'state',
        title: 'Active statestored',
        description: 'Role of each statestored over time (statestore_is_active): a failover shows as the green bar moving to the other one.',
        queries: [q('max by (instance) (statestore_is_active)', '{{instance}}')],
        span: 10,
        mappings: ACTIVE_STANDBY,
      },
      {
        kind: 'bars',
        title: 'Role changes',
        description: 'Role changes of each statestored, by the role entered (statestore_role_changes_total).',
        queries: [q('sum by (instance, to) (increase(statestore_role_changes_total[$__rate_interval]))', '{{instance}} to {{to}}')],
        unit: 'none',
        span: 8,
      },
      {
        kind: 'bars',
        title: 'Failover duration',
        description: "Each takeover: from the old active's last HA heartbeat to the promotion (statestore_failover_duration_seconds). Expect about statestore_peer_timeout_seconds.",
        queries: [
          q(
            'sum by (instance) (increase(statestore_failover_duration_seconds_sum[$__rate_interval])) / sum by (instance) (increase(statestore_failover_duration_seconds_count[$__rate_interval]))',
            '{{instance}}',
          ),
        ],
        unit: 's',
        span: 8,
      },
      {
        kind: 'state',
        title: 'HA peer link',
        description: 'Whether each statestored hears its peer (statestore_peer_connected); a statestored in HA recovery mode is neither active nor standby.',
        queries: [q('max by (instance) (statestore_peer_connected)', '{{instance}}')],
        span: 8,
        mappings: CONNECTED,
      },
    ],
  },
  {
    title: 'Subscribers',
    panels: [
      {
        kind: 'lines',
        title: 'Subscribers following each statestored',
        description: 'Subscribers taking topic updates from statestored 1 or 2 (statestore_subscriber_is_active_statestore). During a takeover they move from one line to the other; both non-zero for long is a split.',
        queries: [q('sum by (statestore) (statestore_subscriber_is_active_statestore)', 'statestore {{statestore}}')],
        unit: 'none',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Live subscribers per statestored',
        description: "Subscribers registered with each statestored, catalogd included (statestore_live_subscribers). Both count every subscriber: each registers with the pair.",
        queries: [q('max by (instance) (statestore_live_subscribers)', '{{instance}}')],
        unit: 'none',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Subscriber links up',
        description: 'Subscribers registered over their link to statestored 1 or 2 (statestore_subscriber_connected).',
        queries: [q('sum by (statestore) (statestore_subscriber_connected)', 'statestore {{statestore}}')],
        unit: 'none',
        span: 8,
      },
      {
        kind: 'bars',
        title: 'Subscriber failovers',
        description: 'Subscribers switching to the other statestored (statestore_subscriber_failovers_total).',
        queries: [q('sum(increase(statestore_subscriber_failovers_total[$__rate_interval]))', 'switches')],
        unit: 'none',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Epoch accepted by subscribers',
        description: 'Lowest and highest active epoch the subscribers have accepted (statestore_subscriber_active_epoch): equal once every subscriber follows the new active.',
        queries: [q('min(statestore_subscriber_active_epoch)', 'lowest'), q('max(statestore_subscriber_active_epoch)', 'highest')],
        unit: 'none',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Oldest heartbeat per link',
        description: 'Longest time any subscriber has gone without a heartbeat from statestored 1 or 2 (statestore_subscriber_heartbeat_age_seconds); past statestore_subscriber_timeout_seconds it re-registers.',
        queries: [q('max by (statestore) (statestore_subscriber_heartbeat_age_seconds)', 'statestore {{statestore}}')],
        unit: 's',
        span: 8,
      },
    ],
  },
  {
    title: 'Heartbeats and topics',
    panels: [
      {
        kind: 'lines',
        title: 'Heartbeat round trip',
        description: 'Heartbeat send-to-ack time per statestored, p50 and p99 (statestore_heartbeat_duration_seconds).',
        queries: [
          q('histogram_quantile(0.5, sum by (instance, le) (rate(statestore_heartbeat_duration_seconds_bucket[$__rate_interval])))', '{{instance}} p50'),
          q('histogram_quantile(0.99, sum by (instance, le) (rate(statestore_heartbeat_duration_seconds_bucket[$__rate_interval])))', '{{instance}} p99'),
        ],
        unit: 's',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Heartbeat failures',
        description: 'Failed or timed-out heartbeats per second (statestore_heartbeat_failures_total); statestore_max_missed_heartbeats in a row drop a subscriber.',
        queries: [q('sum by (instance) (rate(statestore_heartbeat_failures_total[$__rate_interval]))', '{{instance}}')],
        unit: 'ops',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Topic update duration (p99)',
        description: 'Topic update round trip, p99, priority topics (impala-membership) apart (statestore_topic_update_duration_seconds). Only the active sends updates.',
        queries: [
          q(
            'histogram_quantile(0.99, sum by (instance, priority, le) (rate(statestore_topic_update_duration_seconds_bucket[$__rate_interval])))',
            '{{instance}} priority={{priority}}',
          ),
        ],
        unit: 's',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Topic size',
        description: 'Keys plus values per topic on each statestored (statestore_topic_size_bytes). Topics are not replicated: a new active starts empty and subscribers republish.',
        queries: [q('max by (instance, topic) (statestore_topic_size_bytes)', '{{topic}} @ {{instance}}')],
        unit: 'bytes',
        span: 12,
      },
      {
        kind: 'lines',
        title: 'Topic entries',
        description: 'Entries per topic, tombstones included (statestore_topic_entries).',
        queries: [q('max by (instance, topic) (statestore_topic_entries)', '{{topic}} @ {{instance}}')],
        unit: 'none',
        span: 12,
      },
    ],
  },
  {
    title: 'Catalogd HA and the daemons',
    panels: [
      {
        kind: 'state',
        title: 'Active catalogd',
        description: 'Role of each catalogd (catalogd_is_active), as elected by the active statestored.',
        queries: [q('max by (instance) (catalogd_is_active)', '{{instance}}')],
        span: 8,
        mappings: ACTIVE_STANDBY,
      },
      {
        kind: 'lines',
        title: 'Catalog versions',
        description: 'Catalog version each catalogd last published (catalogd_catalog_version), and the active-catalogd designation version on each statestored (statestore_active_catalogd_version).',
        queries: [
          q('max by (instance) (catalogd_catalog_version)', 'catalog {{instance}}'),
          q('max by (instance) (statestore_active_catalogd_version)', 'designation {{instance}}'),
        ],
        unit: 'none',
        span: 8,
      },
      {
        kind: 'bars',
        title: 'Catalogd role changes',
        description: 'Times a catalogd changed between active and standby (catalogd_role_changes_total).',
        queries: [q('sum by (instance) (increase(catalogd_role_changes_total[$__rate_interval]))', '{{instance}}')],
        unit: 'none',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Event-loop lag (p99)',
        description: "Each daemon's event-loop delay, p99 (nodejs_eventloop_lag_p99_seconds). A statestored loop stalled near statestore_peer_timeout_seconds looks like a dead peer.",
        queries: [q('max by (instance, daemon) (nodejs_eventloop_lag_p99_seconds)', '{{instance}}')],
        unit: 's',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'CPU',
        description: 'CPU time per daemon (process_cpu_seconds_total), in cores.',
        queries: [q('sum by (instance, daemon) (rate(process_cpu_seconds_total[$__rate_interval]))', '{{instance}}')],
        unit: 'none',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Resident memory',
        description: 'Resident set size per daemon (process_resident_memory_bytes); compare with the pods\' memory requests.',
        queries: [q('max by (instance, daemon) (process_resident_memory_bytes)', '{{instance}}')],
        unit: 'bytes',
        span: 8,
      },
      {
        kind: 'lines',
        title: 'Membership size per impalad',
        description: "Backends in each impalad's view of impala-membership (impalad_membership_size): equal across impalads once membership has converged.",
        queries: [q('max by (instance) (impalad_membership_size)', '{{instance}}')],
        unit: 'none',
        span: 12,
      },
      {
        kind: 'lines',
        title: 'Catalog version per coordinator',
        description: 'Catalog version each impalad last applied (impalad_catalog_version); coordinators follow the catalog, executors do not.',
        queries: [q('max by (instance) (impalad_catalog_version)', '{{instance}}')],
        unit: 'none',
        span: 12,
      },
    ],
  },
];

function target(query: Query, index: number): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .refId(String.fromCharCode(65 + index))
    .datasource(DATASOURCE)
    .expr(query.expr)
    .legendFormat(query.legend)
    .range();
}

function thresholds(steps: readonly dashboard.Threshold[] | undefined): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([...(steps ?? [{ value: null, color: 'green' }])]);
}

function panel(spec: PanelSpec): dashboard.PanelBuilder | stat.PanelBuilder | statetimeline.PanelBuilder | timeseries.PanelBuilder {
  const targets = spec.queries.map(target);
  switch (spec.kind) {
    case 'stat':
      return new stat.PanelBuilder()
        .title(spec.title)
        .description(spec.description)
        .datasource(DATASOURCE)
        .targets(targets)
        .unit(spec.unit ?? 'none')
        .decimals(0)
        .thresholds(thresholds(spec.steps))
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
        .span(spec.span)
        .height(5);
    case 'state':
      return new statetimeline.PanelBuilder()
        .title(spec.title)
        .description(spec.description)
        .datasource(DATASOURCE)
        .targets(targets)
        .mappings([...(spec.mappings ?? [])])
        .showValue(common.VisibilityMode.Never)
        .span(spec.span)
        .height(5);
    case 'lines':
    case 'bars':
      return new timeseries.PanelBuilder()
        .title(spec.title)
        .description(spec.description)
        .datasource(DATASOURCE)
        .targets(targets)
        .unit(spec.unit ?? 'none')
        .drawStyle(spec.kind === 'bars' ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
        .fillOpacity(spec.kind === 'bars' ? 80 : 10)
        .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
        .span(spec.span)
        .height(8);
    default:
      return assertNever(spec.kind);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled panel kind ${String(value)}`);
}

/** The dashboard as Grafana's JSON model, ready for file provisioning. */
export function statestoreDashboard(): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder('statestore-ha')
    .uid(DASHBOARD_UID)
    .description('Apache Impala-style statestore with primary/standby HA: which statestored is active, failovers, subscribers, heartbeats, topics, catalogd HA.')
    .tags(['statestore-ha', 'impala'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    // Ad-hoc filters narrow every query by any label (namespace, job, cluster) without
    // editing them, so one dashboard serves compose and several Kubernetes namespaces.
    .withVariable(new dashboard.AdHocVariableBuilder('filters').label('Filters').datasource(DATASOURCE));
  for (const row of ROWS) {
    builder.withRow(new dashboard.RowBuilder(row.title));
    for (const spec of row.panels) builder.withPanel(panel(spec));
  }
  return builder.build();
}
