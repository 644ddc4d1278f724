/** Metric names in one table, and factories that create each daemon's metrics on its own registry. */
export { createRegistry } from './registry';
export { createStatestoredMetrics } from './statestored-metrics';
export { createSubscriberMetrics } from './subscriber-metrics';
export { createCatalogdMetrics } from './catalogd-metrics';
export { createImpaladMetrics } from './impalad-metrics';
export { METRIC_NAMES, METRIC_DEFINITIONS } from './metric-table';
export { STATESTORE_ROLES, ROLE_NOTIFICATION_RESULTS, CATALOGD_NOTIFICATION_RESULTS, STATESTORE_SLOTS } from './label-values';
export type { DaemonName } from './registry';
export type { StatestoredMetrics } from './statestored-metrics';
export type { SubscriberMetrics, HeartbeatAgeSource } from './subscriber-metrics';
export type { CatalogdMetrics } from './catalogd-metrics';
export type { ImpaladMetrics } from './impalad-metrics';
export type { MetricDefinition, MetricKey } from './metric-table';
export type { StatestoreRole, RoleNotificationResult, CatalogdNotificationResult, StatestoreSlot } from './label-values';
