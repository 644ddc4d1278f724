/**
 * The statestored node: `startNode(config, nowMs, seed)` and `step(state, event, nowMs)`, each
 * returning the state and the effects to carry out (etcd-io/raft's Step and Ready, STYLE.md §1).
 * No I/O, no clock, no randomness but the seeded one in the state; the daemon's runner and the
 * simulator's adapter drive it the same way: events in, effects out, a `tick` at nextWakeupMs.
 */
import { assertNever, nextWakeupMs as haWakeupMs, type HaEffect } from '@statestore-ha/ha';
import { TopicStore } from '@statestore-ha/topics';
import { catalogdFollowRole, catalogdResend, catalogdTick, initialCatalogdState } from './catalogd';
import { heartbeatLoop, heartbeatSummary } from './heartbeats';
import type { HaRefusal } from './messages';
import type { NodeConfig } from './node-config';
import type { NodeEffect } from './node-effects';
import type { NodeEvent } from './node-events';
import type { LoopSchedule, NodeState } from './node-state';
import { noNotices } from './notices';
import { PROTOCOL_VERSION } from './registration-check';
import { feedHa, releaseHeldHandshake, reportRole, roleResend, startRole } from './role';
import { linkClosed, entryOn } from './subscriber-table';
import { onUpMessage } from './up-messages';
import { updateLoop } from './update-loop';

export interface NodeStepped {
  readonly state: NodeState;
  readonly effects: readonly NodeEffect[];
}

/** A freshly started statestored (a restart is a new call, with a new statestore id). */
export function startNode(config: NodeConfig, nowMs: number, seed: number): NodeStepped {
  const periods = loopPeriods(config);
  const s: NodeState = {
    config,
    ha: null,
    topics: new TopicStore(),
    subscribers: new Map(),
    links: new Map(),
    networkDisabled: false,
    catalogd: initialCatalogdState(config.catalogd.election),
    roleNotices: noNotices('role', 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT', config.roleNotices, true),
    catalogdNotices: noNotices('catalogd', 'SEND_UPDATE_CATALOGD_RPC_FIRST_ATTEMPT', config.catalogd.notices, false),
    handshakeSeriesStarts: true,
    heldHandshake: null,
    loops: {
      heartbeatsAtMs: nowMs + periods.heartbeatsAtMs,
      updatesAtMs: nowMs + periods.updatesAtMs,
      catalogdAtMs: nowMs + periods.catalogdAtMs,
      summaryAtMs: nowMs + periods.summaryAtMs,
    },
    rng: seed >>> 0,
    reportedActiveEpoch: 0,
    reportedActive: false,
    lastRoleChangeMs: null,
  };
  const out: NodeEffect[] = [];
  if (config.ha !== null) startRole(s, config.ha, nowMs, out);
  finish(s, nowMs, out);
  return { state: s, effects: out };
}

export function step(s: NodeState, ev: NodeEvent, nowMs: number): NodeStepped {
  const out: NodeEffect[] = [];
  switch (ev.kind) {
    case 'tick':
      runDueLoops(s, nowMs, out);
      break;
    case 'up':
      onUpMessage(s, ev.link, ev.msg, ev.registrationId, nowMs, out);
      break;
    case 'linkClosed':
      linkClosed(s, ev.link, nowMs, out);
      break;
    case 'linkWritable': {
      const e = entryOn(s, ev.link);
      if (e !== undefined) e.congested = !ev.writable;
      break;
    }
    case 'protocolVersionRequested':
      out.push(
        s.networkDisabled
          ? { kind: 'protocolVersionAnswer', refusal: 'networkDisabled', message: 'statestore network is disabled' }
          : ev.protocolVersion < PROTOCOL_VERSION
            ? { kind: 'protocolVersionAnswer', refusal: 'protocolVersion', message: `protocol version ${ev.protocolVersion} is older than ${PROTOCOL_VERSION}` }
            : { kind: 'protocolVersionAnswer', refusal: null, message: '' },
      );
      break;
    case 'setNetworkDisabled':
      s.networkDisabled = ev.disabled;
      out.push({ kind: 'networkDisabledChanged', disabled: ev.disabled });
      feedHa(s, { kind: 'networkDisabled', disabled: ev.disabled }, nowMs, out);
      break;
    case 'haHandshakeRequested':
      answerHandshake(s, ev, nowMs, out);
      break;
    case 'haHeartbeatRequested':
      answerHaHeartbeat(s, ev, nowMs, out);
      break;
    case 'haHandshakeAnswered':
      feedHa(s, { kind: 'handshakeReply', seq: ev.seq, reply: ev.reply }, nowMs, out);
      break;
    case 'haHandshakeFailed':
      feedHa(s, { kind: 'handshakeFailed', seq: ev.seq }, nowMs, out);
      break;
    case 'haHeartbeatAnswered':
      feedHa(s, { kind: 'haHeartbeatReply', seq: ev.seq, staleEpoch: ev.staleEpoch, peerEpoch: ev.peerEpoch, peerIsActive: ev.peerIsActive }, nowMs, out);
      break;
    case 'haHeartbeatFailed':
      feedHa(s, { kind: 'haHeartbeatFailed', seq: ev.seq }, nowMs, out);
      break;
    case 'peerLink':
      feedHa(s, { kind: 'peerLink', state: ev.state }, nowMs, out);
      break;
    default:
      return assertNever(ev, 'NodeEvent');
  }
  finish(s, nowMs, out);
  return { state: s, effects: out };
}

/** The earliest time the node wants a `tick`. */
export function nextWakeupMs(s: NodeState): number {
  const l = s.loops;
  let t = Math.min(l.heartbeatsAtMs, l.updatesAtMs, l.catalogdAtMs, l.summaryAtMs, s.roleNotices.dueAtMs, s.catalogdNotices.dueAtMs);
  if (s.ha !== null) t = Math.min(t, haWakeupMs(s.ha));
  if (s.heldHandshake !== null) t = Math.min(t, s.heldHandshake.atMs);
  return t;
}

/** After every step: the catalogd side follows the role, and the role is reported when it changed. */
function finish(s: NodeState, now: number, out: NodeEffect[]): void {
  catalogdFollowRole(s, now, out);
  reportRole(s, out);
}

/** Each loop's period: see LoopSchedule. */
function loopPeriods(c: NodeConfig): LoopSchedule {
  return {
    // Often enough that a heartbeat goes out within a quarter period of its deadline.
    heartbeatsAtMs: Math.max(5, Math.min(50, Math.floor(c.heartbeatFrequencyMs / 4))),
    // The normal class runs at the priority cadence: its period is enforced per subscriber.
    updatesAtMs: Math.min(c.priorityUpdateFrequencyMs, c.updateFrequencyMs),
    catalogdAtMs: c.catalogd.monitoringIntervalMs,
    summaryAtMs: c.heartbeatSummaryIntervalMs,
  };
}

function runDueLoops(s: NodeState, now: number, out: NodeEffect[]): void {
  const periods = loopPeriods(s.config);
  const l = s.loops;
  // Heartbeats first: a subscriber dropped now must not count toward a takeover decided now.
  if (now >= l.heartbeatsAtMs) {
    l.heartbeatsAtMs = advance(l.heartbeatsAtMs, periods.heartbeatsAtMs, now);
    heartbeatLoop(s, now, out);
  }
  if (s.ha !== null && now >= haWakeupMs(s.ha)) feedHa(s, { kind: 'tick' }, now, out);
  releaseHeldHandshake(s, now, out);
  if (now >= l.updatesAtMs) {
    l.updatesAtMs = advance(l.updatesAtMs, periods.updatesAtMs, now);
    updateLoop(s, now, out);
  }
  if (now >= l.catalogdAtMs) {
    l.catalogdAtMs = advance(l.catalogdAtMs, periods.catalogdAtMs, now);
    catalogdTick(s, now, out);
  }
  // Notices run when one of their attempts is due (a retry, a deadline, a held first attempt).
  roleResend(s, now, out);
  catalogdResend(s, now, out);
  if (now >= l.summaryAtMs) {
    l.summaryAtMs = advance(l.summaryAtMs, periods.summaryAtMs, now);
    heartbeatSummary(s, out);
  }
}

/** Absolute deadlines: a late tick does not shift the phase, a very late one skips what it missed. */
function advance(at: number, period: number, now: number): number {
  const next = at + period;
  return next <= now ? now + period : next;
}

function answerHandshake(s: NodeState, ev: Extract<NodeEvent, { kind: 'haHandshakeRequested' }>, now: number, out: NodeEffect[]): void {
  const early = refuseEarly(s, ev.protocolVersion);
  if (early !== null) {
    out.push({ kind: 'replyHandshake', reply: null, refusal: early.refusal, message: early.message });
    return;
  }
  const fx = feedHa(s, { kind: 'handshakeRequest', request: ev.request }, now, out);
  const reply = findEffect(fx, 'replyHandshake')?.reply ?? null;
  if (reply !== null) {
    out.push({ kind: 'replyHandshake', reply, refusal: null, message: '' });
    return;
  }
  const refusal: HaRefusal = s.networkDisabled ? 'networkDisabled' : 'ownId';
  out.push({ kind: 'replyHandshake', reply: null, refusal, message: refusal === 'ownId' ? 'handshake carries this statestored\'s own id' : 'statestore network is disabled' });
}

function answerHaHeartbeat(s: NodeState, ev: Extract<NodeEvent, { kind: 'haHeartbeatRequested' }>, now: number, out: NodeEffect[]): void {
  const early = refuseEarly(s, ev.request.protocolVersion);
  if (early !== null) {
    out.push({ kind: 'replyHaHeartbeat', reply: null, refusal: early.refusal, message: early.message });
    return;
  }
  const r = ev.request;
  const fx = feedHa(s, { kind: 'haHeartbeatRequest', dstStatestoreId: r.dstStatestoreId, srcStatestoreId: r.srcStatestoreId, srcEpoch: r.srcEpoch }, now, out);
  const reply = findEffect(fx, 'replyHaHeartbeat');
  if (reply === undefined || reply.outcome === 'rejected') {
    const refusal: HaRefusal = s.networkDisabled ? 'networkDisabled' : 'wrongDestination';
    out.push({
      kind: 'replyHaHeartbeat',
      reply: null,
      refusal,
      message: refusal === 'wrongDestination' ? `HA heartbeat addressed to ${r.dstStatestoreId}, this is ${s.config.statestoreId}` : 'statestore network is disabled',
    });
    return;
  }
  out.push({ kind: 'replyHaHeartbeat', reply: { staleEpoch: reply.outcome === 'staleEpoch', epoch: reply.epoch, isActive: reply.isActive }, refusal: null, message: '' });
}

function refuseEarly(s: NodeState, protocolVersion: number): { refusal: HaRefusal; message: string } | null {
  if (s.ha === null) return { refusal: 'haDisabled', message: 'statestored HA is not enabled (--enable_statestored_ha)' };
  if (protocolVersion < PROTOCOL_VERSION) return { refusal: 'protocolVersion', message: `peer protocol version ${protocolVersion} is older than ${PROTOCOL_VERSION}` };
  return null;
}

function findEffect<K extends HaEffect['kind']>(fx: readonly HaEffect[], kind: K): Extract<HaEffect, { kind: K }> | undefined {
  return fx.find((e): e is Extract<HaEffect, { kind: K }> => e.kind === kind);
}
