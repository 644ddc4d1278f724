/**
 * The statestored's HA state machine (Impala: statestore.cc InitStatestoreHa, SendHaHandshake,
 * ReceiveHaHandshakeRequest, MonitorStatestoredHaHeartbeat), as `step(state, event, nowMs)`.
 *
 * The runner in apps/statestored feeds in RPCs, their results and a `tick` at or after
 * `nextWakeupMs(state)`, and carries out the returned effects. Nothing here does I/O or reads a
 * clock. Unlike Impala, the machine never blocks on an RPC: every send carries a `seq`, its
 * result comes back as an event, and a send still unanswered at the next tick counts as failed,
 * so a runner needs no RPC deadline of its own to keep the detectors honest.
 *
 * Where this deliberately differs from Impala (each is marked `Beyond Impala` below):
 *  - epochs fence a stale active: any claim of a newer epoch (HA heartbeat or its reply, a
 *    handshake, a subscriber's highest_epoch_seen) makes an active step down at once
 *    (IMPALA-12507 leaves a split brain running); a newer epoch nobody claims (a standby's
 *    memory of its own earlier term) makes it move to a fresh epoch instead;
 *  - a standby or recovering node without a peer re-handshakes every retry interval, so the pair
 *    re-forms after a takeover or a healed partition (Impala: after a takeover neither side has
 *    found_peer_ and no HA heartbeats ever flow again, reference §2.5 "Gap");
 *  - conn-state reports are forgotten whenever the node stops being active, so a report about an
 *    earlier active cannot count toward a later takeover;
 *  - a recovering node applies the standby's takeover rule too (peer FAILED and majority lost).
 */
import { assertNever } from './assert-never';
import type { ConnState } from './conn-state';
import { isNewerEpoch, nextEpoch, NO_EPOCH, type Epoch } from './epoch';
import {
  missedHeartbeatDetector,
  missedHeartbeatState,
  recordHeartbeatAt,
  recordHeartbeatResult,
  timeoutDetector,
  timeoutState,
  type MissedHeartbeatDetector,
  type PeerState,
  type TimeoutDetector,
} from './failure-detector';
import { receiverIsActive, type HandshakeParty } from './handshake-decision';
import type { HaConfig } from './ha-config';
import { countLostActive, crashEvidence, takeoverVerdict, type LostActiveCount, type TakeoverVerdict } from './takeover-rule';

/**
 * `starting`: the startup handshake is under way (Impala: before InitStatestoreHa returns).
 * `recovery`: Impala's in_recovery_mode_: not active, retrying the handshake.
 */
export type HaRole = 'starting' | 'active' | 'standby' | 'recovery';

export type RoleChangeReason =
  /** The startup handshake got no answer within statestore_peer_cnxn_attempts tries. */
  | 'noPeerAnswered'
  /** A handshake (sent or received) settled the roles. */
  | 'handshake'
  /** A force-active peer handshook with this active node (manual failover). */
  | 'peerForceActive'
  /** Peer detector FAILED and a majority of subscribers lost the active. */
  | 'takeover'
  /** Beyond Impala: this active learned of a newer epoch and steps down. */
  | 'higherEpoch'
  /** More than MAX_NUM_RECEIVED_HEARTBEAT_IN_ACTIVE HA heartbeats received while active. */
  | 'bothActive'
  /** The peer failed and no subscriber is left (recovery mode). */
  | 'peerLostNoSubscribers'
  /** A recovering node received an HA heartbeat from the active: it is its standby again. */
  | 'peerHeartbeat'
  /** Beyond Impala: conclusive evidence the active's process is gone (takeover-rule.ts crashEvidence). */
  | 'crashEvidence';

/** What a node sends in a handshake request (proto HaHandshakeRequest). */
export interface HandshakeRequest {
  readonly statestoreId: string;
  readonly address: string;
  readonly forceActive: boolean;
  readonly isActive: boolean;
  /** Highest epoch this node knows. */
  readonly epoch: Epoch;
}

/** What a node answers to a handshake (proto HaHandshakeResponse). */
export interface HandshakeReply {
  readonly statestoreId: string;
  /** dst_statestore_active: the receiver's role after deciding; the sender takes the opposite. */
  readonly isActive: boolean;
  /** Highest epoch the receiver knows (its own if it is active). */
  readonly epoch: Epoch;
}

export type HaEvent =
  /** Periodic: run the monitoring loop and the handshake schedule. Send at/after nextWakeupMs. */
  | { readonly kind: 'tick' }
  /** The peer answered our handshake `seq`. */
  | { readonly kind: 'handshakeReply'; readonly seq: number; readonly reply: HandshakeReply }
  /** Our handshake `seq` failed (connection refused, deadline, error status). */
  | { readonly kind: 'handshakeFailed'; readonly seq: number }
  /** The peer sent us a handshake; the step's effects contain a `replyHandshake`. */
  | { readonly kind: 'handshakeRequest'; readonly request: HandshakeRequest }
  /** The peer's HA heartbeat reached us; the step's effects contain a `replyHaHeartbeat`. */
  | {
      readonly kind: 'haHeartbeatRequest';
      readonly dstStatestoreId: string;
      readonly srcStatestoreId: string;
      readonly srcEpoch: Epoch;
    }
  /** The peer answered our HA heartbeat `seq`. */
  | {
      readonly kind: 'haHeartbeatReply';
      readonly seq: number;
      readonly staleEpoch: boolean;
      readonly peerEpoch: Epoch;
      readonly peerIsActive: boolean;
    }
  /** Our HA heartbeat `seq` failed. */
  | { readonly kind: 'haHeartbeatFailed'; readonly seq: number }
  /** A subscriber registered (highest_epoch_seen from its RegisterRequest). */
  | { readonly kind: 'subscriberRegistered'; readonly subscriberId: string; readonly highestEpochSeen: Epoch }
  /** A subscriber unregistered or was declared failed. */
  | { readonly kind: 'subscriberUnregistered'; readonly subscriberId: string }
  /** A heartbeat reply's statestore_conn_state: the subscriber's link to the OTHER statestored. */
  | { readonly kind: 'subscriberConnState'; readonly subscriberId: string; readonly connState: ConnState }
  /**
   * A subscriber's highest_epoch_seen, from any up message that carries it (heartbeat replies,
   * stale_epoch answers to updates and role notifications).
   */
  | { readonly kind: 'subscriberEpoch'; readonly subscriberId: string; readonly highestEpochSeen: Epoch }
  /** Impala's DISABLE_STATESTORE_NETWORK debug action (SetStatestoreDebugAction). */
  | { readonly kind: 'networkDisabled'; readonly disabled: boolean }
  /**
   * This node's own link to the peer's HA port (beyond Impala): `up` (connected), `down` (it ended,
   * or a connect failed any other way: reset, timeout) or `refused` (a connect was refused: nobody
   * listens there). Only `refused` is crash evidence; anything heard from the peer clears it.
   */
  | { readonly kind: 'peerLink'; readonly state: PeerLinkState };

/** See the `peerLink` event. */
export type PeerLinkState = 'unknown' | 'up' | 'down' | 'refused';

export type HaEffect =
  | { readonly kind: 'sendHandshake'; readonly seq: number; readonly request: HandshakeRequest }
  /** Answer to a handshakeRequest; `reply` null means refuse it (an error status). */
  | { readonly kind: 'replyHandshake'; readonly reply: HandshakeReply | null }
  | {
      readonly kind: 'sendHaHeartbeat';
      readonly seq: number;
      readonly dstStatestoreId: string;
      readonly srcStatestoreId: string;
      readonly epoch: Epoch;
    }
  /**
   * Answer to a haHeartbeatRequest. `rejected`: answer with an error status (network disabled,
   * or addressed to another statestore_id). `staleEpoch`: the sender is behind `epoch`.
   */
  | {
      readonly kind: 'replyHaHeartbeat';
      readonly outcome: 'ok' | 'staleEpoch' | 'rejected';
      readonly epoch: Epoch;
      readonly isActive: boolean;
    }
  | {
      readonly kind: 'roleChanged';
      readonly from: HaRole;
      readonly to: HaRole;
      /** The node's epoch after the change (its new active epoch on promotion). */
      readonly epoch: Epoch;
      readonly reason: RoleChangeReason;
      /** On takeover: the peer's last sign of life -> promotion. Null otherwise. */
      readonly failoverDurationMs: number | null;
    }
  /**
   * Send a RoleNotification(is_active=true, epoch) to every registered subscriber, and resend to
   * each every update_statestore_rpc_resend_interval_ms until it acknowledges. A later
   * broadcastRole (or a roleChanged away from active) supersedes it. Emitted on every promotion,
   * and also, with no roleChanged, when an active moves to a fresh epoch because it heard of a
   * newer one that nobody claims (see learnEpoch): update the epoch gauge from here.
   */
  | { readonly kind: 'broadcastRole'; readonly epoch: Epoch }
  | { readonly kind: 'recoveryModeChanged'; readonly inRecovery: boolean }
  | { readonly kind: 'peerConnectedChanged'; readonly connected: boolean; readonly peerId: string | null }
  /** Whether heartbeats to subscribers set request_statestore_conn_state (only the standby asks). */
  | { readonly kind: 'requestConnState'; readonly request: boolean }
  /**
   * The standby's takeover check changed its verdict (for a log line; emitted on change only).
   * `failed`/`total`: subscribers reporting the active lost / registered.
   */
  | {
      readonly kind: 'takeoverCheck';
      readonly verdict: TakeoverVerdict;
      readonly peerState: PeerState;
      readonly failed: number;
      readonly total: number;
    };

export interface Stepped {
  readonly state: HaState;
  readonly effects: readonly HaEffect[];
}

/**
 * The machine's state. Treat it as opaque and read it through the query functions below.
 * `step` may update the subscriber table in place (10k subscribers must not cost a map copy per
 * heartbeat reply), so a state passed to `step` is consumed: keep only the returned one.
 */
export interface HaState {
  readonly config: HaConfig;
  readonly role: HaRole;
  /** This node's active epoch while active; the epoch of its last term otherwise. */
  readonly epoch: Epoch;
  readonly highestEpochSeen: Epoch;
  /** Impala's found_peer_: the pair is formed (HA heartbeats flow from the active). */
  readonly foundPeer: boolean;
  /** The peer's detector has said FAILED since the pair last formed (recovery needs it). */
  readonly peerLost: boolean;
  readonly peerId: string | null;
  /** Last sign of life from the peer: handshake either way, HA heartbeat or its reply. */
  readonly peerLastContactMs: number | null;
  readonly handshakeSeq: number;
  readonly handshakeOutstanding: number | null;
  /** Highest seq whose reply was applied: an older reply arriving late is ignored. */
  readonly handshakeAnsweredSeq: number;
  readonly handshakeAttempts: number;
  readonly nextHandshakeAtMs: number;
  /**
   * It claimed the active role in a handshake reply without taking it (onHandshakeRequest), and
   * owes the peer one handshake of its own: the reply to that one settles its role. Cleared when
   * that handshake is sent or the role changes.
   */
  readonly claimPending: boolean;
  readonly heartbeatSeq: number;
  readonly heartbeatOutstanding: number | null;
  /** The active's detector on its HA heartbeats to the standby. */
  readonly peerMissed: MissedHeartbeatDetector;
  /** The standby's detector on the active's HA heartbeats. */
  readonly peerTimeout: TimeoutDetector;
  readonly nextMonitorAtMs: number;
  /** HA heartbeats received while active from a peer not known to be newer or older. */
  readonly receivedHeartbeatsInActive: number;
  readonly subscribers: Map<string, ConnState>;
  readonly networkDisabled: boolean;
  readonly lastVerdict: TakeoverVerdict | null;
  /** This node's own link to the peer's HA port (the `peerLink` event). */
  readonly peerLink: PeerLinkState;
}

// ---- queries -------------------------------------------------------------------------------

export function isActive(s: HaState): boolean {
  return s.role === 'active';
}

/** The epoch to put in registration replies and role notifications. */
export function activeEpoch(s: HaState): Epoch {
  return s.role === 'active' ? s.epoch : s.highestEpochSeen;
}

export function inRecoveryMode(s: HaState): boolean {
  return s.role === 'recovery';
}

/** statestore.connected-with-peer-statestored (Impala: found_peer_). */
export function peerConnected(s: HaState): boolean {
  return s.foundPeer;
}

/** Only the standby (or a recovering node) asks subscribers for their link to the active. */
export function requestsConnState(s: HaState): boolean {
  return s.role === 'standby' || s.role === 'recovery';
}

/** Impala rejects registrations while DISABLE_STATESTORE_NETWORK is on. */
export function acceptsRegistrations(s: HaState): boolean {
  return !s.networkDisabled;
}

/** Whether subscriber heartbeats are sent (not while the debug network is disabled). */
export function sendsSubscriberHeartbeats(s: HaState): boolean {
  return !s.networkDisabled;
}

export function lostActiveCount(s: HaState): LostActiveCount {
  return countLostActive(s.subscribers);
}

/** The earliest time the machine wants a `tick`. */
export function nextWakeupMs(s: HaState): number {
  return wantsHandshake(s) ? Math.min(s.nextHandshakeAtMs, s.nextMonitorAtMs) : s.nextMonitorAtMs;
}

// ---- construction --------------------------------------------------------------------------

/**
 * A freshly started HA statestored (a restart is a new call with a new statestoreId). Sends the
 * first handshake at once; with statestore_peer_cnxn_attempts=0 Impala makes no attempt and
 * the node is active at once.
 */
export function startHa(config: HaConfig, nowMs: number, remembered: Epoch = NO_EPOCH): Stepped {
  validate(config);
  const s: HaState = {
    config,
    role: 'starting',
    epoch: NO_EPOCH,
    highestEpochSeen: remembered,
    foundPeer: false,
    peerLost: false,
    peerId: null,
    peerLastContactMs: null,
    handshakeSeq: 0,
    handshakeOutstanding: null,
    handshakeAnsweredSeq: 0,
    handshakeAttempts: 0,
    nextHandshakeAtMs: nowMs,
    claimPending: false,
    heartbeatSeq: 0,
    heartbeatOutstanding: null,
    peerMissed: missedHeartbeatDetector(config.peerMaxMissedHeartbeats),
    peerTimeout: timeoutDetector(config.peerTimeoutMs),
    nextMonitorAtMs: nowMs + config.monitoringFrequencyMs,
    receivedHeartbeatsInActive: 0,
    subscribers: new Map(),
    networkDisabled: false,
    lastVerdict: null,
    peerLink: 'unknown',
  };
  const fx: HaEffect[] = [];
  if (config.peerCnxnAttempts === 0) return { state: becomeActive(s, nowMs, 'noPeerAnswered', fx), effects: fx };
  return { state: sendHandshake(s, nowMs, fx), effects: fx };
}

function validate(c: HaConfig): void {
  const bad: string[] = [];
  if (!c.statestoreId) bad.push('statestoreId must not be empty');
  if (!(c.monitoringFrequencyMs > 0)) bad.push('monitoringFrequencyMs must be > 0');
  if (!(c.peerTimeoutMs > 0)) bad.push('peerTimeoutMs must be > 0');
  if (c.peerCnxnAttempts > 0 && !(c.peerCnxnRetryIntervalMs > 0)) bad.push('peerCnxnRetryIntervalMs must be > 0');
  if (!Number.isInteger(c.peerMaxMissedHeartbeats) || c.peerMaxMissedHeartbeats < 1) bad.push('peerMaxMissedHeartbeats must be >= 1');
  if (bad.length > 0) throw new Error(`invalid HaConfig: ${bad.join('; ')}`);
}

// ---- step ----------------------------------------------------------------------------------

export function step(s: HaState, ev: HaEvent, nowMs: number): Stepped {
  const fx: HaEffect[] = [];
  const state = dispatch(s, ev, nowMs, fx);
  return { state, effects: fx };
}

function dispatch(s: HaState, ev: HaEvent, now: number, fx: HaEffect[]): HaState {
  switch (ev.kind) {
    case 'tick':
      return onTick(s, now, fx);
    case 'handshakeReply':
      return onHandshakeReply(s, ev.seq, ev.reply, now, fx);
    case 'handshakeFailed':
      return ev.seq === s.handshakeOutstanding ? { ...s, handshakeOutstanding: null } : s;
    case 'handshakeRequest':
      return onHandshakeRequest(s, ev.request, now, fx);
    case 'haHeartbeatRequest':
      return onHaHeartbeatRequest(s, ev, now, fx);
    case 'haHeartbeatReply':
      return onHaHeartbeatReply(s, ev, now, fx);
    case 'haHeartbeatFailed':
      return ev.seq === s.heartbeatOutstanding ? recordHaHeartbeatMiss({ ...s, heartbeatOutstanding: null }, fx) : s;
    case 'subscriberRegistered':
      if (s.networkDisabled) return s;
      // Impala inserts OK; UNKNOWN says the same ("not failed") and is what a reset uses.
      s.subscribers.set(ev.subscriberId, 'UNKNOWN');
      return learnEpoch(s, ev.highestEpochSeen, true, now, fx);
    case 'subscriberUnregistered':
      s.subscribers.delete(ev.subscriberId);
      return s;
    case 'subscriberConnState':
      if (!s.subscribers.has(ev.subscriberId)) return s;
      s.subscribers.set(ev.subscriberId, ev.connState);
      return ev.connState === 'REFUSED' ? checkCrashEvidence(s, now, fx) : s;
    case 'subscriberEpoch':
      return learnEpoch(s, ev.highestEpochSeen, true, now, fx);
    case 'networkDisabled':
      return { ...s, networkDisabled: ev.disabled };
    case 'peerLink':
      // Evidence is judged the moment it is complete: waiting for the monitoring tick would
      // spend up to statestore_ha_heartbeat_monitoring_frequency_ms of a sub-second failover.
      return checkCrashEvidence({ ...s, peerLink: ev.state }, now, fx);
    default:
      return assertNever(ev, 'HaEvent');
  }
}

// ---- handshakes ----------------------------------------------------------------------------

/**
 * Whether the handshake schedule runs: at startup, in recovery (Impala retries until answered),
 * and, beyond Impala, on a standby that has no peer. Impala's standby never re-handshakes, so
 * after a takeover or a healed partition no HA heartbeat ever flows again and the standby's
 * detector stays FAILED or UNKNOWN forever (reference §2.5 "Gap"); re-handshaking re-forms the
 * pair, and the active answering it sets found_peer_ and resumes HA heartbeats.
 * A standby with its peer found also wants the one handshake a claim owes (claimPending): without
 * it, a paired standby with priority that a restarted active handshakes makes that peer standby
 * and never asks it back, and the pair stays two standbys for good.
 */
function wantsHandshake(s: HaState): boolean {
  return s.role === 'starting' || s.role === 'recovery' || (s.role === 'standby' && (!s.foundPeer || s.claimPending));
}

function selfParty(s: HaState): HandshakeParty {
  return {
    statestoreId: s.config.statestoreId,
    address: s.config.selfAddress,
    forceActive: s.config.forceActive,
    isActive: s.role === 'active',
  };
}

function sendHandshake(s: HaState, now: number, fx: HaEffect[]): HaState {
  const seq = s.handshakeSeq + 1;
  // Any handshake of its own is the one a claim owes: its reply settles the role.
  const next = { ...s, handshakeSeq: seq, handshakeAttempts: s.handshakeAttempts + 1, nextHandshakeAtMs: now + s.config.peerCnxnRetryIntervalMs, claimPending: false };
  // DISABLE_STATESTORE_NETWORK makes HA RPCs fail: the attempt is spent, nothing is sent.
  if (s.networkDisabled) return { ...next, handshakeOutstanding: null };
  fx.push({ kind: 'sendHandshake', seq, request: { ...selfParty(s), epoch: s.highestEpochSeen } });
  return { ...next, handshakeOutstanding: seq };
}

function onHandshakeReply(s: HaState, seq: number, reply: HandshakeReply, now: number, fx: HaEffect[]): HaState {
  if (s.networkDisabled || reply.statestoreId === s.config.statestoreId) return s;
  // Only a reply to a handshake we sent in this life counts (seq never repeats within one), and
  // not one older than a reply already applied: it describes the peer as it was before.
  if (seq <= s.handshakeAnsweredSeq || seq > s.handshakeSeq) return s;
  let t: HaState = {
    ...s,
    handshakeAnsweredSeq: seq,
    handshakeOutstanding: seq === s.handshakeOutstanding ? null : s.handshakeOutstanding,
  };
  t = touchPeer(t, reply.statestoreId, now);
  t = learnEpoch(t, reply.epoch, reply.isActive, now, fx);
  if (t.role === 'active') {
    // An active does not send handshakes, but a reply to one sent before it was promoted can
    // still arrive. A newer active peer was handled by learnEpoch; otherwise the peer
    // will learn our newer epoch from our HA heartbeats.
    return t.foundPeer ? t : setFoundPeer(t, true, fx);
  }
  // Impala (SendHaHandshake): is_active = !dst_statestore_active.
  t = reply.isActive ? becomeStandby(t, 'handshake', fx) : becomeActive(t, now, 'handshake', fx);
  return setFoundPeer(t, true, fx);
}

function onHandshakeRequest(s: HaState, req: HandshakeRequest, now: number, fx: HaEffect[]): HaState {
  // Impala ignores a handshake carrying its own id; DISABLE_STATESTORE_NETWORK fails HA RPCs.
  if (s.networkDisabled || req.statestoreId === s.config.statestoreId) {
    fx.push({ kind: 'replyHandshake', reply: null });
    return s;
  }
  let t = touchPeer(s, req.statestoreId, now);
  t = learnEpoch(t, req.epoch, req.isActive, now, fx);
  const peer: HandshakeParty = { statestoreId: req.statestoreId, address: req.address, forceActive: req.forceActive, isActive: req.isActive };
  const active = receiverIsActive(selfParty(t), peer, t.config.useNetworkAddressAsPriority);
  if (active && (t.role === 'recovery' || t.role === 'standby')) {
    // Beyond Impala: a request never promotes a node that has been in the pair before. It may
    // have been sent long ago: a partition holds a handshake in TCP buffers (kernel DROP, a
    // proxy's latency) and delivers it after its sender took over, and an old active that took
    // the role on it, by priority and with a newer epoch, deposed the real one (found by the
    // chaos harness: delayed-peer-link, netns isolate-active). So it only claims the role, which
    // makes the sender standby if it still wants to be told, and asks the peer itself at once:
    // a reply to its OWN request, matched by seq, is what promotes it (onHandshakeReply). A
    // starting node keeps Impala's rule: nothing it could receive predates its process.
    // claimPending makes that one handshake go out even from a paired standby, which has no
    // handshake schedule (wantsHandshake); it asks once, not on a schedule, and if that one
    // fails the peer detector decides as it would have.
    fx.push({ kind: 'replyHandshake', reply: { statestoreId: t.config.statestoreId, isActive: true, epoch: t.highestEpochSeen } });
    return { ...t, claimPending: true, nextHandshakeAtMs: now };
  }
  if (active && t.role !== 'active') t = becomeActive(t, now, 'handshake', fx);
  else if (!active && t.role === 'active') t = becomeStandby(t, 'peerForceActive', fx);
  else if (!active && t.role !== 'standby') t = becomeStandby(t, 'handshake', fx);
  else if (active) {
    // Already active and staying so: the peer (re)joined as standby. Start its detector afresh.
    t = { ...t, peerMissed: missedHeartbeatDetector(t.config.peerMaxMissedHeartbeats), heartbeatOutstanding: null };
  }
  t = setFoundPeer(t, true, fx);
  fx.push({ kind: 'replyHandshake', reply: { statestoreId: t.config.statestoreId, isActive: t.role === 'active', epoch: t.highestEpochSeen } });
  return t;
}

// ---- HA heartbeats -------------------------------------------------------------------------

function onHaHeartbeatRequest(
  s: HaState,
  ev: Extract<HaEvent, { kind: 'haHeartbeatRequest' }>,
  now: number,
  fx: HaEffect[],
): HaState {
  if (s.networkDisabled || ev.dstStatestoreId !== s.config.statestoreId) {
    fx.push({ kind: 'replyHaHeartbeat', outcome: 'rejected', epoch: s.highestEpochSeen, isActive: s.role === 'active' });
    return s;
  }
  // Any heartbeat is a sign of life, whatever our role: the detectors must not call a peer
  // that talks to us FAILED.
  const s1 = touchPeer(s, ev.srcStatestoreId, now);
  // Beyond Impala: the sender is active under srcEpoch. If we are active under a newer one, it
  // is a stale active: tell it so (it steps down) and do not count it.
  if (s1.role === 'active' && ev.srcEpoch !== NO_EPOCH && isNewerEpoch(s1.epoch, ev.srcEpoch)) {
    fx.push({ kind: 'replyHaHeartbeat', outcome: 'staleEpoch', epoch: s1.epoch, isActive: true });
    return s1;
  }
  let t = learnEpoch(s1, ev.srcEpoch, true, now, fx);
  if (t.role === 'active') {
    // Same or unknown epoch, both active. Impala counts received heartbeats and gives up the role
    // above MAX_NUM_RECEIVED_HEARTBEAT_IN_ACTIVE. With epochs this only happens with a peer that
    // sends none (srcEpoch 0); kept as the backstop.
    const count = t.receivedHeartbeatsInActive + 1;
    t = { ...t, receivedHeartbeatsInActive: count };
    if (count > t.config.maxReceivedHeartbeatsInActive) t = enterRecovery(t, 'bothActive', fx);
    fx.push({ kind: 'replyHaHeartbeat', outcome: 'ok', epoch: t.highestEpochSeen, isActive: t.role === 'active' });
    return t;
  }
  if (t.role === 'recovery') t = becomeStandby(t, 'peerHeartbeat', fx);
  // The active heartbeats only a peer it found, so the pair is formed.
  t = setFoundPeer(t, true, fx);
  // Our highestEpochSeen may exceed the sender's epoch (a term of ours it never heard of): it
  // then moves to a fresh epoch above it (learnEpoch, not claimed).
  fx.push({ kind: 'replyHaHeartbeat', outcome: 'ok', epoch: t.highestEpochSeen, isActive: false });
  return t;
}

function onHaHeartbeatReply(
  s: HaState,
  ev: Extract<HaEvent, { kind: 'haHeartbeatReply' }>,
  now: number,
  fx: HaEffect[],
): HaState {
  if (ev.seq < 1 || ev.seq > s.heartbeatSeq) return s;
  // A late answer (to an earlier heartbeat, or arriving after we left the active role) is still
  // a sign of life; only the answer to the outstanding heartbeat feeds the detector.
  let t: HaState = s.peerId !== null ? touchPeer(s, s.peerId, now) : s;
  if (ev.seq === s.heartbeatOutstanding && s.role === 'active') {
    t = { ...t, heartbeatOutstanding: null, peerMissed: recordHeartbeatResult(s.peerMissed, true) };
  }
  // staleEpoch comes only from a receiver that is active under a newer epoch: a claim.
  return learnEpoch(t, ev.peerEpoch, ev.peerIsActive || ev.staleEpoch, now, fx);
}

function recordHaHeartbeatMiss(s: HaState, fx: HaEffect[]): HaState {
  const t = { ...s, peerMissed: recordHeartbeatResult(s.peerMissed, false) };
  if (missedHeartbeatState(t.peerMissed) !== 'FAILED' || !t.foundPeer) return t;
  // Impala: on FAILED, found_peer_=false and stop sending; only a handshake restores it.
  return setFoundPeer({ ...t, peerLost: true }, false, fx);
}

// ---- monitoring loop -----------------------------------------------------------------------

function onTick(s: HaState, now: number, fx: HaEffect[]): HaState {
  let t = s;
  if (wantsHandshake(t) && now >= t.nextHandshakeAtMs) t = handshakeTick(t, now, fx);
  if (now >= t.nextMonitorAtMs) {
    t = { ...t, nextMonitorAtMs: Math.max(t.nextMonitorAtMs + t.config.monitoringFrequencyMs, now + 1) };
    t = t.role === 'active' ? activeMonitor(t, now, fx) : t.role === 'starting' ? t : standbyMonitor(t, now, fx);
  }
  return t;
}

function handshakeTick(s: HaState, now: number, fx: HaEffect[]): HaState {
  // An attempt still unanswered when the next one is due has failed.
  const t = { ...s, handshakeOutstanding: null };
  if (t.role === 'starting' && t.handshakeAttempts >= t.config.peerCnxnAttempts) {
    // Impala: no answer within the attempts -> active with found_peer_=false.
    return becomeActive(t, now, 'noPeerAnswered', fx);
  }
  return sendHandshake(t, now, fx);
}

function activeMonitor(s: HaState, now: number, fx: HaEffect[]): HaState {
  let t = s;
  if (t.foundPeer) {
    if (t.heartbeatOutstanding !== null) t = recordHaHeartbeatMiss({ ...t, heartbeatOutstanding: null }, fx);
    const peerId = t.peerId;
    if (t.foundPeer && peerId !== null) {
      const seq = t.heartbeatSeq + 1;
      t = { ...t, heartbeatSeq: seq };
      if (t.networkDisabled) t = recordHaHeartbeatMiss(t, fx);
      else {
        fx.push({ kind: 'sendHaHeartbeat', seq, dstStatestoreId: peerId, srcStatestoreId: t.config.statestoreId, epoch: t.epoch });
        t = { ...t, heartbeatOutstanding: seq };
      }
    }
  }
  // Impala: an active whose peer failed and that has no subscriber left enters recovery mode.
  // Checked every loop (not only when the detector flips), so the order in which the peer and
  // the subscribers are declared failed does not matter.
  if (t.peerLost && !t.foundPeer && t.subscribers.size === 0) t = enterRecovery(t, 'peerLostNoSubscribers', fx);
  return t;
}

function standbyMonitor(s: HaState, now: number, fx: HaEffect[]): HaState {
  let t = s;
  const peerState = timeoutState(t.peerTimeout, now);
  if (peerState === 'FAILED' && t.foundPeer) t = setFoundPeer({ ...t, peerLost: true }, false, fx);
  const lost = countLostActive(t.subscribers);
  const verdict = takeoverVerdict(peerState, lost, t.config.skipMajorityCheck, hasCrashEvidence(t, lost));
  if (verdict !== t.lastVerdict) {
    fx.push({ kind: 'takeoverCheck', verdict, peerState, failed: lost.failed, total: lost.total });
    t = { ...t, lastVerdict: verdict };
  }
  switch (verdict) {
    case 'takeOver':
      return becomeActive(t, now, 'takeover', fx);
    case 'takeOverOnCrash':
      return becomeActive(t, now, 'crashEvidence', fx);
    case 'enterRecovery':
      return t.role === 'standby' ? enterRecovery(t, 'peerLostNoSubscribers', fx) : t;
    case 'waitPeerAlive':
    case 'waitNoMajority':
      return t;
    default:
      return assertNever(verdict, 'TakeoverVerdict');
  }
}

/** Crash evidence complete on a standby or recovering node, with statestore_ha_takeover_on_crash_evidence on. */
function hasCrashEvidence(s: HaState, lost: LostActiveCount): boolean {
  if (!s.config.crashEvidenceTakeover || (s.role !== 'standby' && s.role !== 'recovery')) return false;
  if (s.config.trustResetAsCrashEvidence) return (s.peerLink === 'down' || s.peerLink === 'refused') && crashEvidence(true, { ...lost, refused: lost.failed });
  return crashEvidence(s.peerLink === 'refused', lost);
}

/** The fast path: take over the moment the crash evidence is complete. */
function checkCrashEvidence(s: HaState, now: number, fx: HaEffect[]): HaState {
  const lost = countLostActive(s.subscribers);
  if (!hasCrashEvidence(s, lost)) return s;
  fx.push({ kind: 'takeoverCheck', verdict: 'takeOverOnCrash', peerState: timeoutState(s.peerTimeout, now), failed: lost.failed, total: lost.total });
  return becomeActive({ ...s, lastVerdict: 'takeOverOnCrash' }, now, 'crashEvidence', fx);
}

// ---- epochs and transitions ----------------------------------------------------------------

/**
 * Someone mentions `epoch`. Remember it: every later promotion goes above it. Then, if we are
 * active under an older epoch:
 *  - `claimed` (the sender is, or a subscriber saw, an active under it): step down now. Beyond
 *    Impala (IMPALA-12507): subscribers that saw the newer epoch reject our updates anyway.
 *  - not claimed (a standby's memory of an earlier term, e.g. its own before it stepped down, or
 *    a clock behind the peer's): nobody else is active under it, so keep the role and move to a
 *    fresh epoch above it, re-broadcast, so no follower that saw it can call us stale.
 */
function learnEpoch(s: HaState, epoch: Epoch, claimed: boolean, now: number, fx: HaEffect[]): HaState {
  let t = isNewerEpoch(epoch, s.highestEpochSeen) ? { ...s, highestEpochSeen: epoch } : s;
  if (t.role !== 'active' || !isNewerEpoch(epoch, t.epoch)) return t;
  if (claimed) {
    t = becomeStandby(t, 'higherEpoch', fx);
    // Re-handshake so the newer active adds us as its standby and HA heartbeats flow again.
    return setFoundPeer(t, false, fx);
  }
  const fresh = nextEpoch(t.highestEpochSeen, now, t.config.epochSlot);
  fx.push({ kind: 'broadcastRole', epoch: fresh });
  return { ...t, epoch: fresh, highestEpochSeen: fresh };
}

function touchPeer(s: HaState, peerId: string, now: number): HaState {
  return {
    ...s,
    peerId,
    // The peer just spoke: whatever refused a connect, it is not the evidence of a crash.
    peerLink: s.peerLink === 'refused' ? 'up' : s.peerLink,
    peerLastContactMs: s.peerLastContactMs === null ? now : Math.max(s.peerLastContactMs, now),
    peerTimeout: recordHeartbeatAt(s.peerTimeout, now),
  };
}

function setFoundPeer(s: HaState, found: boolean, fx: HaEffect[]): HaState {
  if (s.foundPeer === found) return found ? { ...s, peerLost: false } : s;
  fx.push({ kind: 'peerConnectedChanged', connected: found, peerId: s.peerId });
  // A standby that loses its peer re-handshakes at once, then every retry interval.
  return found ? { ...s, foundPeer: true, peerLost: false } : { ...s, foundPeer: false, nextHandshakeAtMs: Math.min(s.nextHandshakeAtMs, s.nextMonitorAtMs) };
}

function changeRole(s: HaState, to: HaRole, reason: RoleChangeReason, fx: HaEffect[], failoverDurationMs: number | null): HaState {
  const from = s.role;
  if (from === to) return s;
  fx.push({ kind: 'roleChanged', from, to, epoch: s.epoch, reason, failoverDurationMs });
  if (from === 'recovery' || to === 'recovery') fx.push({ kind: 'recoveryModeChanged', inRecovery: to === 'recovery' });
  const asked = from === 'standby' || from === 'recovery';
  const asks = to === 'standby' || to === 'recovery';
  if (asked !== asks) fx.push({ kind: 'requestConnState', request: asks });
  if (from === 'active') {
    // Reports are about "the other statestored". Collected while we were active they meant
    // nothing; keep the membership, forget the verdicts (beyond Impala).
    for (const id of s.subscribers.keys()) s.subscribers.set(id, 'UNKNOWN');
  }
  // A claim is owed only by the standby or recovering node that made it.
  return { ...s, role: to, lastVerdict: null, claimPending: false };
}

function becomeActive(s: HaState, now: number, reason: RoleChangeReason, fx: HaEffect[]): HaState {
  const epoch = nextEpoch(s.highestEpochSeen, now, s.config.epochSlot);
  const failover = (reason === 'takeover' || reason === 'crashEvidence') && s.peerLastContactMs !== null ? now - s.peerLastContactMs : null;
  let t: HaState = {
    ...s,
    epoch,
    highestEpochSeen: epoch,
    receivedHeartbeatsInActive: 0,
    peerMissed: missedHeartbeatDetector(s.config.peerMaxMissedHeartbeats),
    heartbeatOutstanding: null,
    handshakeOutstanding: null,
  };
  t = changeRole(t, 'active', reason, fx, failover);
  fx.push({ kind: 'broadcastRole', epoch });
  return t;
}

function becomeStandby(s: HaState, reason: RoleChangeReason, fx: HaEffect[]): HaState {
  return changeRole(s, 'standby', reason, fx, null);
}

function enterRecovery(s: HaState, reason: RoleChangeReason, fx: HaEffect[]): HaState {
  const t = changeRole(s, 'recovery', reason, fx, null);
  return setFoundPeer({ ...t, handshakeAttempts: 0 }, false, fx);
}
