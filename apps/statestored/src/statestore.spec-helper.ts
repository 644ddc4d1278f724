import type { StatestoreObserver } from './statestore';

/** For specs: an observer that records nothing. */
export const quietObserver: StatestoreObserver = {
  subscribersChanged: () => undefined,
  heartbeatAnswered: () => undefined,
  heartbeatFailed: () => undefined,
  topicUpdateAnswered: () => undefined,
  registrationRejected: () => undefined,
  topicEntriesCleared: () => undefined,
};
