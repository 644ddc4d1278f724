import type { Gauge, Registry } from 'prom-client';
import { defineGauge } from './define-metric';
import { METRIC_DEFINITIONS as M } from './metric-table';

/** impalad's own metrics; its subscriber side comes from createSubscriberMetrics. */
export interface ImpaladMetrics {
  readonly membershipSize: Gauge;
  readonly catalogVersion: Gauge;
  readonly activeCatalogdVersion: Gauge;
}

export function createImpaladMetrics(registry: Registry): ImpaladMetrics {
  return {
    membershipSize: defineGauge(registry, M.impaladMembershipSize),
    catalogVersion: defineGauge(registry, M.impaladCatalogVersion),
    activeCatalogdVersion: defineGauge(registry, M.impaladActiveCatalogdVersion),
  };
}
