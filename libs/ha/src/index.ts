/**
 * @statestore-ha/ha: the HA decisions of a statestored pair and of their subscribers. Pure: no
 * I/O, no timers, no clock; time comes in as `nowMs`, and every function returns what to do
 * (effects) instead of doing it. Runners in apps/statestored and libs/subscriber feed events in
 * and carry the effects out; libs/simulation drives the same functions on a simulated network.
 *
 * The four machines, each `step(state, event, nowMs) -> { state, effects }`:
 *  - role-machine (statestored): startHa, step, plus queries; see HaEvent / HaEffect.
 *  - follower (every subscriber): initialFollowerState, stepFollower, plus queries.
 *  - catalogd-election (statestored): initialCatalogdElection, stepCatalogd.
 *  - catalogd-version-check (subscribers): checkCatalogdUpdate, resetCatalogdVersion.
 *
 * Epoch fencing: compareEpochs is THE comparison; everything else calls it.
 */

// Symbols for runners -------------------------------------------------------------------------

/** Statestored role machine. `startHa` starts it; feed `step` events; tick at `nextWakeupMs`. */
export {
  startHa,
  step,
  isActive,
  activeEpoch,
  inRecoveryMode,
  peerConnected,
  requestsConnState,
  acceptsRegistrations,
  sendsSubscriberHeartbeats,
  lostActiveCount,
  nextWakeupMs,
} from './role-machine';
export type {
  HaState,
  HaRole,
  HaEvent,
  HaEffect,
  Stepped,
  RoleChangeReason,
  HandshakeRequest,
  HandshakeReply,
  PeerLinkState,
} from './role-machine';

/** Flags -> HaConfig (Impala's flag names). */
export { haConfigFromFlags } from './ha-config';
export type { HaConfig, StatestoreHaFlags, HaIdentity } from './ha-config';

/** Subscriber side: which statestored to follow, epoch fencing, conn-state reports, grace period. */
export {
  initialFollowerState,
  stepFollower,
  activeStatestore,
  inGracePeriod,
  statestorePeerState,
  connStateOf,
} from './follower';
export type {
  FollowerConfig,
  FollowerState,
  FollowerEvent,
  FollowerEffect,
  FollowerOutcome,
  FollowerStepped,
  FollowerCounters,
  StatestoreIndex,
  StatestoreView,
} from './follower';

/** Statestored side of catalogd HA. */
export { initialCatalogdElection, stepCatalogd, activeCatalogd, standbyCatalogd } from './catalogd-election';
export type {
  CatalogdElectionConfig,
  CatalogdElectionState,
  CatalogdCandidate,
  CatalogdEvent,
  CatalogdEffect,
  CatalogdStepped,
  CatalogdDesignationReason,
} from './catalogd-election';

/** Receiver side of catalogd HA: ignore designations not newer than the last applied. */
export { initialCatalogdVersionCheck, checkCatalogdUpdate, resetCatalogdVersion } from './catalogd-version-check';
export type { CatalogdVersionCheck, CatalogdVersionVerdict } from './catalogd-version-check';

/** Epochs: the one fence. */
export { compareEpochs, isNewerEpoch, maxEpoch, nextEpoch, epochSlot, NO_EPOCH } from './epoch';
export type { Epoch, EpochSlot } from './epoch';

/** Conn states reported by subscribers (TStatestoreConnState). */
export { connStateFromPeerState } from './conn-state';
export type { ConnState } from './conn-state';

// Symbols below are building blocks, for other libraries (the statestored's per-subscriber
// detector uses MissedHeartbeatDetector) and tests -------------------------------------------

export {
  missedHeartbeatDetector,
  recordHeartbeatResult,
  missedHeartbeatState,
  timeoutDetector,
  recordHeartbeatAt,
  timeoutState,
  timeoutNextChangeMs,
} from './failure-detector';
export type { PeerState, MissedHeartbeatDetector, TimeoutDetector } from './failure-detector';

export { majorityLostActive, countLostActive, crashEvidence, takeoverVerdict } from './takeover-rule';
export type { LostActiveCount, TakeoverVerdict } from './takeover-rule';

export { receiverIsActive, hasPriorityOver } from './handshake-decision';
export type { HandshakeParty } from './handshake-decision';

export { assertNever } from './assert-never';
