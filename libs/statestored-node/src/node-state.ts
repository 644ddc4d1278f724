/**
 * The statestored node's state: the subscriber table, the topic store, the HA role machine, the
 * catalogd election and the two notice rounds, plus when each periodic loop next runs.
 *
 * `step` updates this state in place (10,000 subscribers must not cost a copy per heartbeat
 * answer, and libs/topics' store mutates its own maps): a state passed to `step` is consumed,
 * keep only the one it returns. Read it through the queries in node-queries.ts.
 */
import type { CatalogdElectionState, Epoch, HandshakeRequest, HaState, MissedHeartbeatDetector } from '@statestore-ha/ha';
import type { TopicStore } from '@statestore-ha/topics';
import type { CatalogdRegistration, LinkId, NetworkAddress, SubscriberType } from './messages';
import type { NodeConfig } from './node-config';
import type { Notices } from './notices';

/** Priority topics (membership, request queue) and the rest go out on separate schedules. */
export type UpdateClass = 'priority' | 'normal';

export interface InFlightUpdate {
  readonly seq: number;
  readonly sentAtMs: number;
  readonly acks: ReadonlyArray<{ readonly topicName: string; readonly toVersion: number }>;
}

/** One registration of one subscriber (Impala's Statestore::Subscriber). */
export interface SubscriberEntry {
  readonly subscriberId: string;
  readonly registrationId: string;
  readonly type: SubscriberType;
  readonly location: NetworkAddress | undefined;
  readonly hasPriorityTopics: boolean;
  readonly hasNormalTopics: boolean;
  readonly subscribeCatalogdChange: boolean;
  /** Stamped with the registration time (Impala stamps registration_time). */
  readonly catalogdRegistration: CatalogdRegistration | undefined;
  readonly registeredAtMs: number;
  /** The stream it registered on; null once that stream ended (the registration stays). */
  link: LinkId | null;
  /** The stream's send buffer is full: no topic updates until it drains. */
  congested: boolean;
  readonly heartbeat: HeartbeatSchedule;
  readonly updates: UpdateSchedule;
}

export interface HeartbeatSchedule {
  /** When the next heartbeat is due (absolute: a late loop does not shift the phase). */
  nextAtMs: number;
  seq: number;
  /** One heartbeat at a time, as Impala's pool sends one RPC per subscriber. */
  outstanding: { readonly seq: number; readonly sentAtMs: number } | null;
  /** Impala's MissedHeartbeatFailureDetector (libs/ha). */
  detector: MissedHeartbeatDetector;
  lastAnswerMs: number;
  /** Answered a heartbeat since the last heartbeat_monitoring_frequency_ms summary. */
  answeredSinceSummary: boolean;
}

export interface UpdateSchedule {
  seq: number;
  /** One update in flight per class, as Impala's separate priority and normal pools allow. */
  readonly inFlight: { priority: InFlightUpdate | null; normal: InFlightUpdate | null };
  /** The first update of a class goes out even if empty: it carries from_version=0 / to_version. */
  readonly firstAcked: { priority: boolean; normal: boolean };
  /** Least time of the next update of the class (spacing; twice the period after a skip). */
  readonly notBeforeMs: { priority: number; normal: number };
  /** When every topic of the class goes out again, changed or not (gap detection). */
  readonly nextFullRoundMs: { priority: number; normal: number };
}

/** The statestored's side of catalogd HA (Impala StatestoreCatalogdMgr), around libs/ha's election. */
export interface CatalogdState {
  election: CatalogdElectionState;
  /**
   * The designation's version as subscribers see it: max(previous + 1, now ms), as Impala stamps
   * active_statestored_version with UnixMicros(). +1 or more per designation, and newer than what
   * an earlier statestored sent as long as clocks are roughly in step; receivers reset their
   * check on neither registration replies nor role notifications, so a count that restarts at 1
   * would be ignored after a statestored failover.
   */
  wireVersion: number;
  /** Who acknowledged which designation, and when (Impala's notified_subscribers). */
  readonly notified: Map<string, { readonly version: number; readonly atMs: number }>;
  /** The epoch this node last designated under while active; null while not active. */
  designatedUnder: Epoch | null;
}

/** A delayed first HA handshake (STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:SLEEP); `failAfter`: then failed. */
export interface HeldHandshake {
  readonly atMs: number;
  readonly seq: number;
  readonly request: HandshakeRequest;
  readonly failAfter: string | null;
}

/** When each periodic loop of the node next runs. */
export interface LoopSchedule {
  heartbeatsAtMs: number;
  updatesAtMs: number;
  catalogdAtMs: number;
  summaryAtMs: number;
}

export interface NodeState {
  readonly config: NodeConfig;
  /** Null without HA. */
  ha: HaState | null;
  readonly topics: TopicStore;
  readonly subscribers: Map<string, SubscriberEntry>;
  /** Stream -> the subscriber registered on it. */
  readonly links: Map<LinkId, string>;
  networkDisabled: boolean;
  readonly catalogd: CatalogdState;
  readonly roleNotices: Notices;
  readonly catalogdNotices: Notices;
  /** The next HA handshake opens a series (startup, entering recovery): its first attempt. */
  handshakeSeriesStarts: boolean;
  heldHandshake: HeldHandshake | null;
  readonly loops: LoopSchedule;
  /** Seeded mulberry32 state: debug-action draws and heartbeat phases (randomness as a parameter). */
  rng: number;
  /** The active epoch last reported (activeEpochChanged): the gauge never goes stale. */
  reportedActiveEpoch: Epoch;
  reportedActive: boolean;
  /** When this node last changed role (for pages). */
  lastRoleChangeMs: number | null;
}
