import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { defineCounter, defineGauge, defineHistogram } from './define-metric';
import { CATALOGD_NOTIFICATION_RESULTS, PRIORITY_VALUES, ROLE_NOTIFICATION_RESULTS, STATESTORE_ROLES } from './label-values';
import { METRIC_DEFINITIONS as M } from './metric-table';

/** What statestored updates; see METRIC_DEFINITIONS for each metric's meaning and unit. */
export interface StatestoredMetrics {
  readonly liveSubscribers: Gauge;
  readonly heartbeatDuration: Histogram;
  readonly heartbeatFailures: Counter;
  /** Label priority: "true" | "false". */
  readonly topicUpdateDuration: Histogram<'priority'>;
  readonly topicEntries: Gauge<'topic'>;
  readonly topicSizeBytes: Gauge<'topic'>;
  readonly subscribersReceivedHeartbeat: Gauge;
  /** Label action: a --debug_actions entry (test-only; set once at start). */
  readonly debugActionEnabled: Gauge<'action'>;
  readonly clearTopicEntriesRequests: Counter;
  readonly registrationsRejected: Counter<'reason'>;
  readonly isActive: Gauge;
  readonly activeEpoch: Gauge;
  /** Label to: StatestoreRole. */
  readonly roleChanges: Counter<'to'>;
  readonly failoverDuration: Histogram;
  readonly lastRoleChangeTimestamp: Gauge;
  readonly haRecoveryMode: Gauge;
  readonly peerConnected: Gauge;
  /** Label result: RoleNotificationResult. */
  readonly roleNotifications: Counter<'result'>;
  readonly activeCatalogdVersion: Gauge;
  /** Label result: CatalogdNotificationResult. */
  readonly catalogdNotifications: Counter<'result'>;
}

export function createStatestoredMetrics(registry: Registry): StatestoredMetrics {
  const metrics: StatestoredMetrics = {
    liveSubscribers: defineGauge(registry, M.statestoreLiveSubscribers),
    heartbeatDuration: defineHistogram(registry, M.statestoreHeartbeatDurationSeconds),
    heartbeatFailures: defineCounter(registry, M.statestoreHeartbeatFailuresTotal),
    topicUpdateDuration: defineHistogram(registry, M.statestoreTopicUpdateDurationSeconds),
    topicEntries: defineGauge(registry, M.statestoreTopicEntries),
    topicSizeBytes: defineGauge(registry, M.statestoreTopicSizeBytes),
    subscribersReceivedHeartbeat: defineGauge(registry, M.statestoreSubscribersReceivedHeartbeat),
    debugActionEnabled: defineGauge(registry, M.statestoreDebugActionEnabled),
    clearTopicEntriesRequests: defineCounter(registry, M.statestoreClearTopicEntriesRequestsTotal),
    registrationsRejected: defineCounter(registry, M.statestoreSubscriberRegistrationsRejectedTotal),
    isActive: defineGauge(registry, M.statestoreIsActive),
    activeEpoch: defineGauge(registry, M.statestoreActiveEpoch),
    roleChanges: defineCounter(registry, M.statestoreRoleChangesTotal),
    failoverDuration: defineHistogram(registry, M.statestoreFailoverDurationSeconds),
    lastRoleChangeTimestamp: defineGauge(registry, M.statestoreLastRoleChangeTimestampSeconds),
    haRecoveryMode: defineGauge(registry, M.statestoreHaRecoveryMode),
    peerConnected: defineGauge(registry, M.statestorePeerConnected),
    roleNotifications: defineCounter(registry, M.statestoreRoleNotificationsTotal),
    activeCatalogdVersion: defineGauge(registry, M.statestoreActiveCatalogdVersion),
    catalogdNotifications: defineCounter(registry, M.statestoreCatalogdNotificationsTotal),
  };
  // Unlabelled gauges and counters export 0 from the start; the closed label sets are created at 0
  // too, so rate() and increase() see the first event.
  for (const to of STATESTORE_ROLES) metrics.roleChanges.inc({ to }, 0);
  for (const result of ROLE_NOTIFICATION_RESULTS) metrics.roleNotifications.inc({ result }, 0);
  for (const result of CATALOGD_NOTIFICATION_RESULTS) metrics.catalogdNotifications.inc({ result }, 0);
  for (const priority of PRIORITY_VALUES) metrics.topicUpdateDuration.zero({ priority });
  return metrics;
}
