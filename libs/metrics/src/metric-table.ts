/**
 * Every metric the daemons export, in one table: Prometheus name, help (what the number means
 * and its unit), label names and histogram buckets. Names follow Prometheus conventions (base
 * units, `_total` counters) and carry Impala's meaning where Impala has the metric (its dotted
 * name is cited in the help). No label ever holds a subscriber or registration id: with
 * thousands of impalads that is a cardinality bomb, and the ids change on every restart.
 */

export interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  readonly buckets?: readonly number[];
}

// Round trips of small RPCs: sub-millisecond on loopback, up to Impala's 3 s heartbeat timeout.
const RPC_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
// A topic update can carry the whole catalog; its deadline is statestore_update_tcp_timeout_seconds (300 s).
const TOPIC_UPDATE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] as const;
// From the last heartbeat of the old active to the promotion: Impala's defaults give ~30-32 s,
// the tests' short timings 1-3 s, and its custom cluster tests allow up to 120 s.
const FAILOVER_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60] as const;

export const METRIC_DEFINITIONS = {
  // statestored: subscribers, heartbeats, topics
  statestoreLiveSubscribers: {
    name: 'statestore_live_subscribers',
    help: 'Subscribers registered with this statestored, catalogd included (count; Impala statestore.live-backends).',
  },
  statestoreHeartbeatDurationSeconds: {
    name: 'statestore_heartbeat_duration_seconds',
    help: 'Round trip of one heartbeat to a subscriber, from send to ack (seconds; Impala statestore.heartbeat-durations).',
    buckets: RPC_BUCKETS,
  },
  statestoreHeartbeatFailuresTotal: {
    name: 'statestore_heartbeat_failures_total',
    help: 'Heartbeats to subscribers that failed or timed out (count; statestore_max_missed_heartbeats in a row drop the subscriber).',
  },
  statestoreTopicUpdateDurationSeconds: {
    name: 'statestore_topic_update_duration_seconds',
    help: 'Round trip of one topic update to a subscriber; priority="true" for priority topics (seconds; Impala statestore.{priority-,}topic-update-durations).',
    labelNames: ['priority'],
    buckets: TOPIC_UPDATE_BUCKETS,
  },
  statestoreTopicEntries: {
    name: 'statestore_topic_entries',
    help: 'Entries in the topic, tombstones included (count; Impala /topics num_entries).',
    labelNames: ['topic'],
  },
  statestoreTopicSizeBytes: {
    name: 'statestore_topic_size_bytes',
    help: 'Size of the topic: keys plus values (bytes; Impala statestore.total-topic-size-bytes, per topic).',
    labelNames: ['topic'],
  },
  statestoreSubscribersReceivedHeartbeat: {
    name: 'statestore_subscribers_received_heartbeat',
    help: 'Subscribers that answered a heartbeat in the last heartbeat_monitoring_frequency_ms (count; Impala statestore.subscribers-received-heartbeat).',
  },
  statestoreDebugActionEnabled: {
    name: 'statestore_debug_action_enabled',
    help: '1 for each test-only --debug_actions entry this statestored was started with (a production statestored exports none); action is the entry, e.g. STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK.',
    labelNames: ['action'],
  },
  statestoreClearTopicEntriesRequestsTotal: {
    name: 'statestore_clear_topic_entries_requests_total',
    help: 'Topic deltas from subscribers asking to clear a topic before their full republish (count; Impala statestore.num-clear-topic-entries-requests).',
  },
  statestoreSubscriberRegistrationsRejectedTotal: {
    name: 'statestore_subscriber_registrations_rejected_total',
    help: 'Registrations refused, by reason (count).',
    labelNames: ['reason'],
  },

  // statestored: StateStore HA
  statestoreIsActive: {
    name: 'statestore_is_active',
    help: '1 if this statestored is the active one, else 0; 0 until the role is decided (Impala statestore.active-status).',
  },
  statestoreActiveEpoch: {
    name: 'statestore_active_epoch',
    help: 'Epoch of the active statestored as this one knows it; each promotion takes a larger one (Impala active_statestored_version).',
  },
  statestoreRoleChangesTotal: {
    name: 'statestore_role_changes_total',
    help: 'Role changes of this statestored, by the role entered (count).',
    labelNames: ['to'],
  },
  statestoreFailoverDurationSeconds: {
    name: 'statestore_failover_duration_seconds',
    help: "Takeovers by this standby: from the old active's last HA heartbeat to the promotion (seconds).",
    buckets: FAILOVER_BUCKETS,
  },
  statestoreLastRoleChangeTimestampSeconds: {
    name: 'statestore_last_role_change_timestamp_seconds',
    help: 'When this statestored last changed role (Unix time, seconds); 0 if never.',
  },
  statestoreHaRecoveryMode: {
    name: 'statestore_ha_recovery_mode',
    help: '1 while in HA recovery mode (neither active nor standby, retrying the handshake), else 0 (Impala statestore.in-ha-recovery-mode).',
  },
  statestorePeerConnected: {
    name: 'statestore_peer_connected',
    help: '1 while the peer statestored answers HA heartbeats or handshakes, else 0 (Impala statestore.connected-with-peer-statestored).',
  },
  statestoreRoleNotificationsTotal: {
    name: 'statestore_role_notifications_total',
    help: 'Role notifications to subscribers by outcome; stale = the subscriber knows a newer epoch (count; Impala statestore.num-{successful,failed}-update-statestored-role-rpc).',
    labelNames: ['result'],
  },
  statestoreActiveCatalogdVersion: {
    name: 'statestore_active_catalogd_version',
    help: 'Version of the active-catalogd designation; it grows on every new designation (Impala active_catalogd_version).',
  },
  statestoreCatalogdNotificationsTotal: {
    name: 'statestore_catalogd_notifications_total',
    help: 'Active-catalogd notifications to subscribers by outcome (count; Impala statestore.num-{successful,failed}-update-catalogd-rpc).',
    labelNames: ['result'],
  },

  // subscriber side (catalogd, impalad); statestore="1"|"2" is the link, not a subscriber id
  statestoreSubscriberConnected: {
    name: 'statestore_subscriber_connected',
    help: '1 while this subscriber is registered with that statestored, else 0 (Impala statestore-subscriber.connected).',
    labelNames: ['statestore'],
  },
  statestoreSubscriberHeartbeatAgeSeconds: {
    name: 'statestore_subscriber_heartbeat_age_seconds',
    help: 'Time since the last heartbeat from that statestored, at scrape time (seconds); absent before the first one.',
    labelNames: ['statestore'],
  },
  statestoreSubscriberRegistrationsTotal: {
    name: 'statestore_subscriber_registrations_total',
    help: 'Successful registrations with that statestored, the first one and every re-registration (count).',
    labelNames: ['statestore'],
  },
  statestoreSubscriberIsActiveStatestore: {
    name: 'statestore_subscriber_is_active_statestore',
    help: 'This subscriber takes topic updates from that statestored: 1 for the one it follows, else 0 (Impala statestore-subscriber.statestore-active-status).',
    labelNames: ['statestore'],
  },
  statestoreSubscriberActiveEpoch: {
    name: 'statestore_subscriber_active_epoch',
    help: 'Highest active-statestored epoch this subscriber has accepted; it never goes down.',
  },
  statestoreSubscriberFailoversTotal: {
    name: 'statestore_subscriber_failovers_total',
    help: 'Times this subscriber switched to following the other statestored (count).',
  },
  statestoreSubscriberLastFailoverTimestampSeconds: {
    name: 'statestore_subscriber_last_failover_timestamp_seconds',
    help: 'When this subscriber last switched statestored (Unix time, seconds); 0 if never.',
  },
  statestoreSubscriberTopicUpdateResyncsTotal: {
    name: 'statestore_subscriber_topic_update_resyncs_total',
    help: 'Topic deltas whose from_version did not match this subscriber, answered with a resync request (count).',
  },
  statestoreSubscriberStaleEpochRejectionsTotal: {
    name: 'statestore_subscriber_stale_epoch_rejections_total',
    help: 'Messages refused because they carried an epoch older than one this subscriber has seen (count).',
  },

  // catalogd
  catalogdIsActive: {
    name: 'catalogd_is_active',
    help: '1 if this catalogd is the active one, else 0 (Impala catalog-server.active-status).',
  },
  catalogdRoleChangesTotal: {
    name: 'catalogd_role_changes_total',
    help: 'Times this catalogd changed between active and standby (count; Impala catalog-server.ha-number-active-status-change).',
  },
  catalogdCatalogVersion: {
    name: 'catalogd_catalog_version',
    help: 'Catalog version this catalogd last published to catalog-update.',
  },

  // impalad
  impaladMembershipSize: {
    name: 'impalad_membership_size',
    help: 'Backends in this impalad\'s view of impala-membership (count).',
  },
  impaladCatalogVersion: {
    name: 'impalad_catalog_version',
    help: 'Catalog version this impalad last applied from catalog-update.',
  },
  impaladActiveCatalogdVersion: {
    name: 'impalad_active_catalogd_version',
    help: 'Version of the active-catalogd designation this impalad follows (Impala catalog.active-catalogd-version).',
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRIC_DEFINITIONS;

/** Every exported metric name by key, e.g. `METRIC_NAMES.statestoreIsActive === 'statestore_is_active'`. */
export const METRIC_NAMES = Object.fromEntries(Object.entries(METRIC_DEFINITIONS).map(([key, def]) => [key, def.name])) as {
  readonly [K in MetricKey]: (typeof METRIC_DEFINITIONS)[K]['name'];
};
