import type { StatestoredMetrics } from '@statestore-ha/metrics';
import type { Statestore, StatestoreObserver } from './statestore';

export function metricsObserver(m: StatestoredMetrics): StatestoreObserver {
  return {
    subscribersChanged: (live) => m.liveSubscribers.set(live),
    heartbeatAnswered: (seconds) => m.heartbeatDuration.observe(seconds),
    heartbeatFailed: () => m.heartbeatFailures.inc(),
    topicUpdateAnswered: (priority, seconds) => m.topicUpdateDuration.observe({ priority: String(priority) }, seconds),
    registrationRejected: (reason) => m.registrationsRejected.inc({ reason }),
    topicEntriesCleared: () => m.clearTopicEntriesRequests.inc(),
  };
}

/** Topic sizes are read when scraped, not kept up to date on every write (the topic set is small). */
export function refreshTopicGauges(m: StatestoredMetrics, core: Statestore): void {
  for (const t of core.topics.topics()) {
    const st = t.stats();
    m.topicEntries.set({ topic: t.name }, st.numEntries);
    m.topicSizeBytes.set({ topic: t.name }, st.totalSizeBytes);
  }
}
