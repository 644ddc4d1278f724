/** The IPC messages between the scale harness and its load-generator child processes. */

export interface GeneratorConfig {
  host: string;
  port: number;
  /** Subscribers this generator runs, numbered from `first`. */
  first: number;
  count: number;
  /** gRPC channels (TCP connections) the generator's subscribers share, round robin. */
  channels: number;
  /** Every k-th subscriber is a coordinator (also subscribes to catalog-update). */
  coordinatorEvery: number;
  /** Every k-th subscriber records when probe entries reach its view. */
  sampleEvery: number;
  /** Subscribers started per second by this generator (0: all at once). */
  startPerSecond: number;
  /** A heartbeat older than this (s) at a poll counts as a missed heartbeat. */
  lateHeartbeatS: number;
}

export type ToGenerator =
  | { type: 'start'; config: GeneratorConfig }
  | { type: 'join'; key: string }
  | { type: 'leave'; key: string }
  | { type: 'stats' }
  | { type: 'resetHealth' };

export interface GeneratorStats {
  started: number;
  /** Subscribers that registered at least once. */
  registered: number;
  /** Subscribers registered right now. */
  registeredNow: number;
  /** Registrations beyond each subscriber's first. */
  reRegistrations: number;
  /** Links lost (stream errors, heartbeat timeouts) since the last resetHealth. */
  linksLost: number;
  /** Subscribers whose heartbeat age exceeded lateHeartbeatS at some poll since the last resetHealth. */
  lateHeartbeatSubscribers: number;
  /** Largest heartbeat age seen at a poll since the last resetHealth (s). */
  maxHeartbeatAgeS: number;
  /** Registration attempts that failed (timeouts, refusals). */
  failedAttempts: number;
  /** Subscribers in the sample. */
  sampled: number;
  rssBytes: number;
  /** Wall clock (ms since epoch, sub-ms) at which the last subscriber registered for the first time. */
  lastFirstRegistrationAt: number | undefined;
  /** The generator's own event-loop delay since the last resetHealth (ms). */
  loopLagP99Ms: number;
  loopLagMaxMs: number;
}

export type FromGenerator =
  | { type: 'progress'; registered: number; started: number }
  | { type: 'joined'; key: string; at: number }
  | { type: 'left'; key: string; at: number }
  | { type: 'seen'; key: string; deleted: boolean; at: number }
  | { type: 'stats'; stats: GeneratorStats }
  | { type: 'error'; message: string };

/** Wall-clock time with sub-millisecond resolution, comparable across processes on one host. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const PROBE_PREFIX = 'impalad@scale-probe-';
