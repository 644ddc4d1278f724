/**
 * The node's role: libs/ha's role machine, fed with the node's events, and its effects carried
 * into the node (HA RPCs with STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT applied, the role broadcast
 * as a notice round, starting subscribers over on promotion). Epoch fencing goes through
 * compareEpochs only.
 */
import { activeEpoch, assertNever, compareEpochs, startHa, step as stepHa, type Epoch, type HaConfig, type HaEffect, type HaEvent, type HandshakeRequest } from '@statestore-ha/ha';
import { NO_DEBUG_ACTION, decideDebugAction } from './debug-actions';
import { noticeContext } from './links';
import type { DownMessage } from './messages';
import type { NodeEffect } from './node-effects';
import type { NodeState } from './node-state';
import { endRound, resendDue, startRound, type NoticeContext } from './notices';
import { drawRandom } from './random';
import { PROTOCOL_VERSION } from './registration-check';
import { nodeActiveEpoch, nodeIsActive } from './role-queries';
import { startOver } from './update-loop';

const HANDSHAKE_LABEL = 'STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT';

/**
 * Steps the role machine with `ev`, then with whatever follow-up events carrying out its effects
 * produced (a handshake failed by a debug action), in order. Returns every effect of the first
 * step, so a caller can read the reply to a peer RPC from them. No-op without HA.
 */
export function feedHa(s: NodeState, ev: HaEvent, now: number, out: NodeEffect[]): readonly HaEffect[] {
  if (s.ha === null) return [];
  const queue: HaEvent[] = [ev];
  let first: readonly HaEffect[] | null = null;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const r = stepHa(s.ha, next, now);
    s.ha = r.state;
    first ??= r.effects;
    for (const fx of r.effects) carryOut(s, fx, now, out, queue);
  }
  return first ?? [];
}

/** Starts the role machine; its first handshake (or, with no attempts, its promotion) comes out here. */
export function startRole(s: NodeState, config: HaConfig, now: number, out: NodeEffect[]): void {
  const started = startHa(config, now);
  s.ha = started.state;
  const followUps: HaEvent[] = [];
  for (const fx of started.effects) carryOut(s, fx, now, out, followUps);
  for (const ev of followUps) feedHa(s, ev, now, out);
}

/**
 * A subscriber says it has seen `highestEpochSeen` (heartbeat answers, stale-epoch answers).
 * Only news goes to the role machine: an epoch newer than ours means this node is a stale active.
 */
export function subscriberSawEpoch(s: NodeState, subscriberId: string, highestEpochSeen: Epoch, now: number, out: NodeEffect[]): void {
  if (s.ha === null || s.config.mutations.has('ignoreNewerEpochs')) return;
  if (compareEpochs(highestEpochSeen, activeEpoch(s.ha)) <= 0) return;
  feedHa(s, { kind: 'subscriberEpoch', subscriberId, highestEpochSeen }, now, out);
}

/** Sends a handshake held back by STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT once its delay is over. */
export function releaseHeldHandshake(s: NodeState, now: number, out: NodeEffect[]): void {
  const held = s.heldHandshake;
  if (held === null || now < held.atMs) return;
  s.heldHandshake = null;
  if (held.failAfter !== null) {
    out.push({ kind: 'debugActionApplied', label: HANDSHAKE_LABEL, entry: held.failAfter, failed: 1, delayed: 0, notice: null, value: held.seq });
    feedHa(s, { kind: 'handshakeFailed', seq: held.seq }, now, out);
    return;
  }
  out.push({ kind: 'sendHandshake', seq: held.seq, request: held.request });
}

/** Every update_statestore_rpc_resend_interval_ms: role notifications that failed go again. */
export function roleResend(s: NodeState, now: number, out: NodeEffect[]): void {
  if (nodeIsActive(s)) resendDue(s.roleNotices, roleContext(s, now, out));
}

/** After every step: whether this node is active, and under which epoch, when either changed. */
export function reportRole(s: NodeState, out: NodeEffect[]): void {
  const active = nodeIsActive(s);
  const epoch = active ? nodeActiveEpoch(s) : 0;
  if (active === s.reportedActive && epoch === s.reportedActiveEpoch) return;
  s.reportedActive = active;
  s.reportedActiveEpoch = epoch;
  out.push({ kind: 'activeEpochChanged', isActive: active, epoch });
}

function carryOut(s: NodeState, fx: HaEffect, now: number, out: NodeEffect[], followUps: HaEvent[]): void {
  switch (fx.kind) {
    case 'sendHandshake':
      return sendHandshake(s, fx.seq, fx.request, now, out, followUps);
    case 'sendHaHeartbeat':
      out.push({
        kind: 'sendHaHeartbeat',
        seq: fx.seq,
        request: { protocolVersion: PROTOCOL_VERSION, dstStatestoreId: fx.dstStatestoreId, srcStatestoreId: fx.srcStatestoreId, srcEpoch: fx.epoch },
      });
      return;
    case 'replyHandshake':
    case 'replyHaHeartbeat':
      return; // read by the caller from feedHa's result
    case 'roleChanged':
      s.lastRoleChangeMs = now;
      out.push(fx);
      // Topics are not replicated between the two (Impala): a new active starts every
      // subscriber from version 0, so subscribers republish and catalogd sends a full catalog.
      if (fx.to === 'active') startOver(s);
      else if (fx.from === 'active') endRound(s.roleNotices);
      return;
    case 'broadcastRole': {
      // Impala's first pass goes through SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT, resends do not.
      startRound(s.roleNotices, fx.epoch, [...s.subscribers.keys()], roleContext(s, now, out));
      return;
    }
    case 'recoveryModeChanged':
      // Impala's monitor loop calls SendHaHandshake on entering recovery: a new series.
      if (fx.inRecovery) s.handshakeSeriesStarts = true;
      out.push(fx);
      return;
    case 'peerConnectedChanged':
      out.push(fx);
      return;
    case 'requestConnState':
      return; // heartbeats read nodeRequestsConnState when they go out
    case 'takeoverCheck':
      out.push(fx);
      return;
    default:
      return assertNever(fx, 'HaEffect');
  }
}

/**
 * The first try of a series (startup, entering recovery) goes through
 * STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT, as Impala runs it on the first try of each
 * SendHaHandshake call. FAIL is a failed RPC (the machine retries after the retry interval);
 * SLEEP holds it back, and a delay past the retry interval makes the machine count it unanswered
 * and try again, while a late reply still counts (its seq is known).
 */
function sendHandshake(s: NodeState, seq: number, request: HandshakeRequest, now: number, out: NodeEffect[], followUps: HaEvent[]): void {
  const first = s.handshakeSeriesStarts;
  s.handshakeSeriesStarts = false;
  const fate = first ? decideDebugAction(s.config.debugActions, HANDSHAKE_LABEL, () => drawRandom(s)) : NO_DEBUG_ACTION;
  if (fate.delayMs > 0) {
    s.heldHandshake = { atMs: now + fate.delayMs, seq, request, failAfter: fate.fail ? (fate.injected ?? HANDSHAKE_LABEL) : null };
    out.push({ kind: 'debugActionApplied', label: HANDSHAKE_LABEL, entry: fate.injected ?? `${HANDSHAKE_LABEL}:SLEEP@${fate.delayMs}`, failed: 0, delayed: 1, notice: null, value: seq });
    return;
  }
  if (fate.fail) {
    out.push({ kind: 'debugActionApplied', label: HANDSHAKE_LABEL, entry: fate.injected ?? `${HANDSHAKE_LABEL}:FAIL`, failed: 1, delayed: 0, notice: null, value: seq });
    followUps.push({ kind: 'handshakeFailed', seq });
    return;
  }
  out.push({ kind: 'sendHandshake', seq, request });
}

/** The context of the role broadcast's notices: a role notification under the round's epoch. */
export function roleContext(s: NodeState, now: number, out: NodeEffect[]): NoticeContext {
  return noticeContext(s, now, out, (): DownMessage | null => (s.roleNotices.value === null ? null : { kind: 'role', activeEpoch: s.roleNotices.value, isActive: true }));
}
