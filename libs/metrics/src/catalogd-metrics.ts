import type { Counter, Gauge, Registry } from 'prom-client';
import { defineCounter, defineGauge } from './define-metric';
import { METRIC_DEFINITIONS as M } from './metric-table';

/** catalogd's own metrics; its subscriber side comes from createSubscriberMetrics. */
export interface CatalogdMetrics {
  readonly isActive: Gauge;
  readonly roleChanges: Counter;
  readonly catalogVersion: Gauge;
}

export function createCatalogdMetrics(registry: Registry): CatalogdMetrics {
  return {
    isActive: defineGauge(registry, M.catalogdIsActive),
    roleChanges: defineCounter(registry, M.catalogdRoleChangesTotal),
    catalogVersion: defineGauge(registry, M.catalogdCatalogVersion),
  };
}
