/**
 * The subscriber's side of statestored HA (Impala: StatestoreSubscriber and its two
 * StatestoreStubs), as `stepFollower(state, event, nowMs)`. The same code runs in every catalogd
 * and impalad (through libs/subscriber's runner) and in the simulator.
 *
 * Per statestored (index 1 = state_store_host, 2 = state_store_2_host) it keeps the
 * statestore_id, the role it claims, its epoch, its link, and a TimeoutFailureDetector
 * (statestore_subscriber_timeout_seconds). It decides which one is active and fences epochs.
 *
 * Beyond Impala (whose version check is a DCHECK, reference §2.6): a role notification, a
 * registration reply or a topic update carrying an epoch lower than the highest seen is answered
 * `stale` and not applied, and an epoch is owned by the first statestore_id that claimed it, so
 * two statestoreds are never followed under the same epoch.
 */
import { assertNever } from './assert-never';
import { connStateFromPeerState, type ConnState } from './conn-state';
import { compareEpochs, NO_EPOCH, type Epoch } from './epoch';
import { recordHeartbeatAt, timeoutDetector, timeoutState, type PeerState, type TimeoutDetector } from './failure-detector';

/** 1: --state_store_host/--state_store_port; 2: --state_store_2_host/--state_store_2_port. */
export type StatestoreIndex = 1 | 2;

export interface FollowerConfig {
  /** --enable_statestored_ha. Without it only statestored 1 exists and epochs are not checked. */
  readonly haEnabled: boolean;
  /** --statestore_subscriber_timeout_seconds × 1000. */
  readonly subscriberTimeoutMs: number;
  /** --statestore_subscriber_recovery_grace_period_ms. */
  readonly recoveryGracePeriodMs: number;
}

/** What this subscriber knows about one statestored. */
export interface StatestoreView {
  /** From its last registration reply; a restarted statestored has a new one. */
  readonly statestoreId: string | null;
  /** Registered and the link is up (statestore-subscriber.connected). */
  readonly connected: boolean;
  /** What it last claimed: active under `epoch`, standby, or nothing yet. */
  readonly role: 'active' | 'standby' | 'unknown';
  readonly epoch: Epoch;
  readonly detector: TimeoutDetector;
  /**
   * Beyond Impala: the link to it is down and reconnecting was refused (nobody listens on its
   * port). Reported as REFUSED, the subscribers' half of the crash evidence.
   */
  readonly refused: boolean;
}

/** Counters the runner turns into metrics (names in libs/metrics). */
export interface FollowerCounters {
  /** statestore-subscriber.num-update-statestored-role-rpc: role notifications accepted. */
  readonly roleNotifications: number;
  /** Messages refused because they carried an older epoch (or one owned by the other statestored). */
  readonly staleEpochRejections: number;
  /** Times the followed statestored changed. */
  readonly activeChanges: number;
}

export interface FollowerState {
  readonly config: FollowerConfig;
  readonly stubs: { readonly 1: StatestoreView; readonly 2: StatestoreView };
  readonly active: StatestoreIndex | null;
  readonly highestEpoch: Epoch;
  /** statestore_id that claimed highestEpoch. */
  readonly highestEpochOwner: string | null;
  readonly graceUntilMs: number | null;
  readonly counters: FollowerCounters;
}

export type FollowerEvent =
  /** A RegisterResponse (statestore_is_active, active_epoch). */
  | {
      readonly kind: 'registered';
      readonly index: StatestoreIndex;
      readonly statestoreId: string;
      readonly isActive: boolean;
      readonly epoch: Epoch;
    }
  /** The link to statestored `index` closed or registration failed. */
  | { readonly kind: 'linkDown'; readonly index: StatestoreIndex }
  /** A connect to statestored `index` was refused (ECONNREFUSED) while its link was down. */
  | { readonly kind: 'connectRefused'; readonly index: StatestoreIndex }
  /** A Heartbeat; the step answers with `replyHeartbeat`. */
  | { readonly kind: 'heartbeat'; readonly index: StatestoreIndex; readonly requestConnState: boolean }
  /** An UpdateStatestoredRole / RoleNotification; answered with `answerRoleNotification`. */
  | { readonly kind: 'roleNotification'; readonly index: StatestoreIndex; readonly epoch: Epoch; readonly isActive: boolean }
  /**
   * An UpdateState (topic deltas) carrying active_epoch; answered with `answerTopicUpdate`. A
   * CatalogdNotification carries active_epoch too and is judged the same way: feed it as a
   * topicUpdate and apply it only if accepted.
   */
  | { readonly kind: 'topicUpdate'; readonly index: StatestoreIndex; readonly epoch: Epoch };

/** accepted: apply it. skipped: Impala's skipped=true (not from the active). stale: tell the sender. */
export type FollowerOutcome = 'accepted' | 'skipped' | 'stale';

export type FollowerEffect =
  | {
      readonly kind: 'activeChanged';
      readonly from: StatestoreIndex | null;
      readonly to: StatestoreIndex | null;
      readonly epoch: Epoch;
      /** Switched from one statestored to the other: the grace period started. */
      readonly failover: boolean;
    }
  | {
      readonly kind: 'replyHeartbeat';
      readonly index: StatestoreIndex;
      /** This subscriber's view of the OTHER statestored, when asked; null otherwise. */
      readonly connState: ConnState | null;
      readonly highestEpochSeen: Epoch;
    }
  | { readonly kind: 'answerRoleNotification'; readonly index: StatestoreIndex; readonly outcome: FollowerOutcome; readonly highestEpochSeen: Epoch }
  | { readonly kind: 'answerTopicUpdate'; readonly index: StatestoreIndex; readonly outcome: FollowerOutcome; readonly highestEpochSeen: Epoch }
  /** A registration reply claimed active under an epoch older than one seen: not followed. */
  | { readonly kind: 'staleRegistration'; readonly index: StatestoreIndex; readonly epoch: Epoch; readonly highestEpochSeen: Epoch }
  /**
   * What this subscriber reports about statestored `about` changed from OK/FAILED to REFUSED or
   * back: tell the other statestored now, not at its next heartbeat, so a crash is taken over from
   * in milliseconds (Impala only answers when asked).
   */
  | { readonly kind: 'reportChanged'; readonly about: StatestoreIndex; readonly connState: ConnState };

export interface FollowerStepped {
  readonly state: FollowerState;
  readonly effects: readonly FollowerEffect[];
}

/**
 * A subscriber that has heard from no statestored yet.
 *
 * Without `startedAtMs` a statestored never heard from stays UNKNOWN forever (Impala's
 * TimeoutFailureDetector), and UNKNOWN never counts toward a takeover. Beyond Impala: with
 * `startedAtMs` the subscriber's start counts as the last sign of life, so a statestored it has
 * never reached reads FAILED after statestore_subscriber_timeout_seconds. That closes a liveness
 * gap: a statestored in recovery mode (its peer failed while it had no subscriber) waits for a
 * majority reporting the peer FAILED, and subscribers that (re)started after the peer died
 * could only ever report UNKNOWN, leaving the cluster with no active until the peer returned.
 */
export function initialFollowerState(config: FollowerConfig, startedAtMs: number | null = null): FollowerState {
  if (!(config.subscriberTimeoutMs > 0)) throw new Error('FollowerConfig.subscriberTimeoutMs must be > 0');
  const view: StatestoreView = {
    statestoreId: null,
    connected: false,
    role: 'unknown',
    epoch: NO_EPOCH,
    detector: timeoutDetector(config.subscriberTimeoutMs, startedAtMs),
    refused: false,
  };
  return {
    config,
    stubs: { 1: view, 2: view },
    active: null,
    highestEpoch: NO_EPOCH,
    highestEpochOwner: null,
    graceUntilMs: null,
    counters: { roleNotifications: 0, staleEpochRejections: 0, activeChanges: 0 },
  };
}

// ---- queries -------------------------------------------------------------------------------

export function activeStatestore(s: FollowerState): StatestoreIndex | null {
  return s.active;
}

/**
 * IsInPostRecoveryGracePeriod(): within statestore_subscriber_recovery_grace_period_ms of a
 * failover or of re-registering with the active, membership must not drop backends while the
 * new active's topics are still empty.
 */
export function inGracePeriod(s: FollowerState, nowMs: number): boolean {
  return s.graceUntilMs !== null && nowMs < s.graceUntilMs;
}

export function statestorePeerState(s: FollowerState, index: StatestoreIndex, nowMs: number): PeerState {
  return timeoutState(s.stubs[index].detector, nowMs);
}

/** The statestore_conn_state this subscriber reports about statestored `index`. */
export function connStateOf(s: FollowerState, index: StatestoreIndex, nowMs: number): ConnState {
  const stub = s.stubs[index];
  if (stub.refused && !stub.connected) return 'REFUSED';
  return connStateFromPeerState(statestorePeerState(s, index, nowMs));
}

// ---- step ----------------------------------------------------------------------------------

export function stepFollower(s: FollowerState, ev: FollowerEvent, nowMs: number): FollowerStepped {
  const fx: FollowerEffect[] = [];
  const state = dispatch(s, ev, nowMs, fx);
  return { state, effects: fx };
}

function dispatch(s: FollowerState, ev: FollowerEvent, now: number, fx: FollowerEffect[]): FollowerState {
  if (!s.config.haEnabled && ev.index !== 1) {
    throw new Error(`follower: statestored ${ev.index} without --enable_statestored_ha`);
  }
  switch (ev.kind) {
    case 'registered':
      return onRegistered(s, ev, now, fx);
    case 'linkDown':
      return setRefused(withStub(s, ev.index, { connected: false }), ev.index, false, now, fx);
    case 'connectRefused':
      return s.stubs[ev.index].connected ? s : setRefused(s, ev.index, true, now, fx);
    case 'heartbeat': {
      const t = withStub(s, ev.index, { detector: recordHeartbeatAt(s.stubs[ev.index].detector, now) });
      const connState = ev.requestConnState && t.config.haEnabled ? connStateOf(t, other(ev.index), now) : null;
      fx.push({ kind: 'replyHeartbeat', index: ev.index, connState, highestEpochSeen: t.highestEpoch });
      return t;
    }
    case 'roleNotification':
      return onRoleNotification(s, ev, now, fx);
    case 'topicUpdate':
      return onTopicUpdate(s, ev, now, fx);
    default:
      return assertNever(ev, 'FollowerEvent');
  }
}

function onRegistered(
  s: FollowerState,
  ev: Extract<FollowerEvent, { kind: 'registered' }>,
  now: number,
  fx: FollowerEffect[],
): FollowerState {
  const before = s.stubs[ev.index];
  const restarted = before.statestoreId !== ev.statestoreId;
  // A registration reply is a sign of life. A new statestore_id is a restarted process: what
  // the old one claimed no longer describes it.
  let t = setRefused(s, ev.index, false, now, fx);
  t = withStub(t, ev.index, {
    statestoreId: ev.statestoreId,
    connected: true,
    role: restarted ? 'unknown' : before.role,
    epoch: restarted ? NO_EPOCH : before.epoch,
    detector: recordHeartbeatAt(before.detector, now),
  });
  if (!ev.isActive) {
    t = withStub(t, ev.index, { role: 'standby' });
    return t.active === ev.index ? follow(t, null, now, fx) : t;
  }
  const j = judge(t, ev.index, ev.epoch);
  if (j === 'stale') {
    fx.push({ kind: 'staleRegistration', index: ev.index, epoch: ev.epoch, highestEpochSeen: t.highestEpoch });
    return bumpStale(t);
  }
  const wasActive = t.active === ev.index;
  t = adopt(t, ev.index, ev.epoch, now, fx);
  // Impala: a reconnect to the active also starts the grace period (its topics restart empty).
  if (wasActive && !before.connected) t = { ...t, graceUntilMs: now + t.config.recoveryGracePeriodMs };
  return t;
}

function onRoleNotification(
  s: FollowerState,
  ev: Extract<FollowerEvent, { kind: 'roleNotification' }>,
  now: number,
  fx: FollowerEffect[],
): FollowerState {
  const j = judge(s, ev.index, ev.epoch);
  let t = s;
  let outcome: FollowerOutcome;
  if (j === 'unknownSender') outcome = 'skipped';
  else if (j === 'stale') {
    outcome = 'stale';
    t = bumpStale(t);
  } else if (!ev.isActive) {
    // A statestored announcing it is no longer active: stop following it, wait for the other.
    t = withStub(t, ev.index, { role: 'standby' });
    if (t.active === ev.index) t = follow(t, null, now, fx);
    outcome = 'accepted';
  } else {
    t = adopt(t, ev.index, ev.epoch, now, fx);
    t = { ...t, counters: { ...t.counters, roleNotifications: t.counters.roleNotifications + 1 } };
    outcome = 'accepted';
  }
  fx.push({ kind: 'answerRoleNotification', index: ev.index, outcome, highestEpochSeen: t.highestEpoch });
  return t;
}

function onTopicUpdate(
  s: FollowerState,
  ev: Extract<FollowerEvent, { kind: 'topicUpdate' }>,
  now: number,
  fx: FollowerEffect[],
): FollowerState {
  let t = s;
  let outcome: FollowerOutcome;
  if (!t.config.haEnabled) {
    // One statestored, no epochs (it sends 0): follow it.
    if (t.active !== 1) t = follow(t, 1, now, fx);
    outcome = 'accepted';
  } else {
    const j = judge(t, ev.index, ev.epoch);
    if (j === 'unknownSender') outcome = 'skipped';
    else if (j === 'stale') {
      outcome = 'stale';
      t = bumpStale(t);
    } else {
      // Only an active sends updates, so an update under a newer epoch is a promotion whose
      // role notification has not arrived yet (or was lost): follow it now.
      t = adopt(t, ev.index, ev.epoch, now, fx);
      outcome = 'accepted';
    }
  }
  fx.push({ kind: 'answerTopicUpdate', index: ev.index, outcome, highestEpochSeen: t.highestEpoch });
  return t;
}

// ---- fencing -------------------------------------------------------------------------------

type Judgement = 'unknownSender' | 'stale' | 'current' | 'newer';

/**
 * How a claim "statestored `index` is active under `epoch`" compares with what we have seen.
 * All comparisons go through compareEpochs (epoch.ts). An epoch equal to the highest is current
 * only from the statestore_id that first claimed it.
 */
function judge(s: FollowerState, index: StatestoreIndex, epoch: Epoch): Judgement {
  const id = s.stubs[index].statestoreId;
  if (id === null) return 'unknownSender';
  if (!s.config.haEnabled) return 'current';
  const c = compareEpochs(epoch, s.highestEpoch);
  if (c < 0) return 'stale';
  if (c > 0) return 'newer';
  return s.highestEpochOwner === null || s.highestEpochOwner === id ? 'current' : 'stale';
}

function adopt(s: FollowerState, index: StatestoreIndex, epoch: Epoch, now: number, fx: FollowerEffect[]): FollowerState {
  let t = withStub(s, index, { role: 'active', epoch });
  if (s.config.haEnabled) t = { ...t, highestEpoch: epoch, highestEpochOwner: s.stubs[index].statestoreId };
  const o = other(index);
  if (t.stubs[o].role === 'active') t = withStub(t, o, { role: 'standby' });
  return t.active === index ? t : follow(t, index, now, fx);
}

function follow(s: FollowerState, to: StatestoreIndex | null, now: number, fx: FollowerEffect[]): FollowerState {
  const from = s.active;
  // Impala's SetStatestoreActive(has_failover=true): switching from one statestored to the
  // other starts the recovery grace period.
  const failover = from !== null && to !== null && from !== to;
  fx.push({ kind: 'activeChanged', from, to, epoch: to === null ? s.highestEpoch : s.stubs[to].epoch, failover });
  return {
    ...s,
    active: to,
    graceUntilMs: failover ? now + s.config.recoveryGracePeriodMs : s.graceUntilMs,
    counters: { ...s.counters, activeChanges: s.counters.activeChanges + 1 },
  };
}

/** Flips the refused flag of statestored `index`, reporting the change of what we say about it. */
function setRefused(s: FollowerState, index: StatestoreIndex, refused: boolean, now: number, fx: FollowerEffect[]): FollowerState {
  if (s.stubs[index].refused === refused) return s;
  const t = withStub(s, index, { refused });
  if (t.config.haEnabled) fx.push({ kind: 'reportChanged', about: index, connState: connStateOf(t, index, now) });
  return t;
}

function bumpStale(s: FollowerState): FollowerState {
  return { ...s, counters: { ...s.counters, staleEpochRejections: s.counters.staleEpochRejections + 1 } };
}

function withStub(s: FollowerState, index: StatestoreIndex, patch: Partial<StatestoreView>): FollowerState {
  const stub = { ...s.stubs[index], ...patch };
  return { ...s, stubs: index === 1 ? { 1: stub, 2: s.stubs[2] } : { 1: s.stubs[1], 2: stub } };
}

function other(index: StatestoreIndex): StatestoreIndex {
  return index === 1 ? 2 : 1;
}
