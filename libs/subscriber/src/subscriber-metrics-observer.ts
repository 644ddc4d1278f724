import type { SubscriberMetrics } from '@statestore-ha/metrics';
import type { StatestoreIndex } from './active-tracker';
import type { StatestoreSubscriber, SubscriberObserver } from './statestore-subscriber';

/** The subscriber's events as the metric table names them (label statestore="1"|"2", never an id). */
export function subscriberObserver(m: SubscriberMetrics, subscriber: () => StatestoreSubscriber): SubscriberObserver {
  m.setHeartbeatAgeSource((slot) => subscriber().heartbeatAgeSeconds(Number(slot) as StatestoreIndex));
  return {
    connected: (index, up) => m.connected.set({ statestore: String(index) }, up ? 1 : 0),
    registered: (index) => m.registrations.inc({ statestore: String(index) }),
    activeChanged: (change, nowMs) => {
      for (const i of [1, 2]) m.isActiveStatestore.set({ statestore: String(i) }, change.to === i ? 1 : 0);
      m.activeEpoch.set(change.epoch);
      if (change.failover) {
        m.failovers.inc();
        m.lastFailoverTimestamp.set(nowMs / 1000);
      }
    },
    resyncRequested: () => m.topicUpdateResyncs.inc(),
    staleEpochRejected: () => m.staleEpochRejections.inc(),
  };
}
