import type { Counter, Gauge, Registry } from 'prom-client';
import { defineCounter, defineGauge } from './define-metric';
import { STATESTORE_SLOTS, type StatestoreSlot } from './label-values';
import { METRIC_DEFINITIONS as M } from './metric-table';

/**
 * Seconds since the last heartbeat from statestored `slot`, or undefined before the first one.
 * Called at every scrape, so keep it cheap.
 */
export type HeartbeatAgeSource = (slot: StatestoreSlot) => number | undefined;

/** What the subscriber side of catalogd and impalad updates. Label statestore: StatestoreSlot. */
export interface SubscriberMetrics {
  readonly connected: Gauge<'statestore'>;
  /** Filled at scrape time from the source given to setHeartbeatAgeSource; do not set it. */
  readonly heartbeatAge: Gauge<'statestore'>;
  readonly registrations: Counter<'statestore'>;
  readonly isActiveStatestore: Gauge<'statestore'>;
  readonly activeEpoch: Gauge;
  readonly failovers: Counter;
  readonly lastFailoverTimestamp: Gauge;
  readonly topicUpdateResyncs: Counter;
  readonly staleEpochRejections: Counter;
  /**
   * Where heartbeat ages come from. Set later than creation because the links that know the
   * times are built after the registry; until then the series is absent.
   */
  setHeartbeatAgeSource(source: HeartbeatAgeSource): void;
}

export function createSubscriberMetrics(registry: Registry): SubscriberMetrics {
  let source: HeartbeatAgeSource | undefined;
  const heartbeatAge = defineGauge(registry, M.statestoreSubscriberHeartbeatAgeSeconds, function collect() {
    for (const statestore of STATESTORE_SLOTS) {
      const age = source?.(statestore);
      // An absent series, not a made-up 0 or +Inf, until there has been a heartbeat to age from.
      if (age === undefined) this.remove({ statestore });
      else this.set({ statestore }, age);
    }
  });
  const metrics: SubscriberMetrics = {
    connected: defineGauge(registry, M.statestoreSubscriberConnected),
    heartbeatAge,
    registrations: defineCounter(registry, M.statestoreSubscriberRegistrationsTotal),
    isActiveStatestore: defineGauge(registry, M.statestoreSubscriberIsActiveStatestore),
    activeEpoch: defineGauge(registry, M.statestoreSubscriberActiveEpoch),
    failovers: defineCounter(registry, M.statestoreSubscriberFailoversTotal),
    lastFailoverTimestamp: defineGauge(registry, M.statestoreSubscriberLastFailoverTimestampSeconds),
    topicUpdateResyncs: defineCounter(registry, M.statestoreSubscriberTopicUpdateResyncsTotal),
    staleEpochRejections: defineCounter(registry, M.statestoreSubscriberStaleEpochRejectionsTotal),
    setHeartbeatAgeSource: (next) => {
      source = next;
    },
  };
  for (const statestore of STATESTORE_SLOTS) {
    metrics.connected.set({ statestore }, 0);
    metrics.registrations.inc({ statestore }, 0);
    metrics.isActiveStatestore.set({ statestore }, 0);
  }
  return metrics;
}
