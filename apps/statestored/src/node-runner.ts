/**
 * Runs the statestored node (libs/statestored-node) in the daemon: feeds it the streams' and the
 * peer's events and a tick at the time it asks for, and carries out its effects with one
 * exhaustive switch: writes on subscriber streams, HA RPCs, metrics and log lines. No decision
 * is made here.
 */
import { randomUUID } from 'node:crypto';
import { assertNever } from '@statestore-ha/ha';
import type { Logger } from '@statestore-ha/daemon';
import type { StatestoredMetrics } from '@statestore-ha/metrics';
import type { StatestoreMessage } from '@statestore-ha/proto';
import {
  nextWakeupMs,
  roleSettled,
  startNode,
  step,
  type HaHeartbeatReply,
  type HaHeartbeatRequest,
  type HandshakeReply,
  type HandshakeRequest,
  type LinkId,
  type NodeConfig,
  type NodeEffect,
  type NodeEvent,
  type NodeState,
  type UpMessage,
} from '@statestore-ha/statestored-node';
import type { HaAnswer, HaPeerClient, HaPeerHandler } from './ha-transport';
import { closeStatus, downToWire, rejectionLabel } from './wire-mapping';
import type { status } from '@grpc/grpc-js';

/** The down side of one subscriber's stream. */
export interface SessionLink {
  /** false when the stream's buffer is full (the message is still queued). */
  send(msg: StatestoreMessage): boolean;
  /** Calls `fn` once when the buffer has drained. */
  onDrain(fn: () => void): void;
  /** Ends the stream with a status, or cleanly (null). */
  close(code: status | null, message: string): void;
}

/** Time and timers: the wall clock in the daemon, a fake clock in specs. */
export interface Scheduler {
  now(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const REAL_TIME: Scheduler = {
  now: () => Date.now(),
  setTimer: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface NodeRunnerOptions {
  readonly config: NodeConfig;
  /** The node's random seed (heartbeat phases, debug-action draws). */
  readonly seed: number;
  /** The HA peer link; null without HA. */
  readonly peer: HaPeerClient | null;
  readonly metrics: StatestoredMetrics;
  readonly log: Logger;
  readonly scheduler?: Scheduler;
  /** Registration ids (Impala: a random UUID per registration); specs pass a counter. */
  readonly newRegistrationId?: () => string;
}

export class NodeRunner implements HaPeerHandler {
  private node!: NodeState;
  private readonly links = new Map<LinkId, SessionLink>();
  private readonly congested = new Set<LinkId>();
  private nextLink = 1;
  private timer: unknown = undefined;
  private timerAt = Infinity;
  private feeding = false;
  private readonly queued: NodeEvent[] = [];
  private settledWaiters: Array<() => void> = [];
  private stopped = false;
  private readonly clock: Scheduler;
  private readonly newRegistrationId: () => string;

  constructor(private readonly o: NodeRunnerOptions) {
    this.clock = o.scheduler ?? REAL_TIME;
    this.newRegistrationId = o.newRegistrationId ?? randomUUID;
  }

  /** Starts the node: with HA its first handshake goes out now. */
  start(): void {
    if (this.o.config.ha !== null) {
      this.o.metrics.isActive.set(0);
      this.o.metrics.peerConnected.set(0);
      this.o.metrics.haRecoveryMode.set(0);
    }
    const started = startNode(this.o.config, this.clock.now(), this.o.seed);
    this.node = started.state;
    this.carryOutAll(started.effects);
    this.afterStep();
    this.o.peer?.watch((state) => {
      this.o.log[state === 'refused' ? 'warn' : 'info']({ state }, 'link to the peer statestored');
      this.feed({ kind: 'peerLink', state });
    });
  }

  /** Resolves once the role is settled (Impala opens the subscriber port then). */
  settled(): Promise<void> {
    if (roleSettled(this.node)) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.o.peer?.close();
  }

  /** Read-only: pages and metrics read the node through libs/statestored-node's queries. */
  get state(): NodeState {
    return this.node;
  }

  // ---- subscriber streams ------------------------------------------------------------------

  openLink(link: SessionLink): LinkId {
    const id = this.nextLink++;
    this.links.set(id, link);
    return id;
  }

  received(link: LinkId, msg: UpMessage): void {
    this.feed(msg.kind === 'register' ? { kind: 'up', link, msg, registrationId: this.newRegistrationId() } : { kind: 'up', link, msg });
  }

  /** The stream ended (by either side). */
  closed(link: LinkId): void {
    if (!this.links.delete(link)) return;
    this.congested.delete(link);
    this.feed({ kind: 'linkClosed', link });
  }

  protocolVersion(protocolVersion: number): { refusal: 'networkDisabled' | 'protocolVersion' | null; message: string } {
    const fx = this.answerOf({ kind: 'protocolVersionRequested', protocolVersion }, 'protocolVersionAnswer');
    return { refusal: fx.refusal, message: fx.message };
  }

  setNetworkDisabled(disabled: boolean): void {
    this.feed({ kind: 'setNetworkDisabled', disabled });
  }

  // ---- the peer's calls (HaPeerHandler) ----------------------------------------------------

  handshake(protocolVersion: number, request: HandshakeRequest): HaAnswer<HandshakeReply> {
    const fx = this.answerOf({ kind: 'haHandshakeRequested', protocolVersion, request }, 'replyHandshake');
    return fx.reply !== null ? { reply: fx.reply } : { refusal: fx.refusal ?? 'networkDisabled', message: fx.message };
  }

  heartbeat(request: HaHeartbeatRequest): HaAnswer<HaHeartbeatReply> {
    const fx = this.answerOf({ kind: 'haHeartbeatRequested', request }, 'replyHaHeartbeat');
    return fx.reply !== null ? { reply: fx.reply } : { refusal: fx.refusal ?? 'networkDisabled', message: fx.message };
  }

  // ---- driving the node --------------------------------------------------------------------

  /** Steps the node; events that arrive while effects are carried out wait their turn. */
  private feed(ev: NodeEvent): readonly NodeEffect[] {
    if (this.stopped) return [];
    if (this.feeding) {
      this.queued.push(ev);
      return [];
    }
    this.feeding = true;
    let effects: readonly NodeEffect[] = [];
    try {
      const r = step(this.node, ev, this.clock.now());
      this.node = r.state;
      effects = r.effects;
      this.carryOutAll(effects);
      for (let next = this.queued.shift(); next !== undefined; next = this.queued.shift()) {
        const q = step(this.node, next, this.clock.now());
        this.node = q.state;
        this.carryOutAll(q.effects);
      }
    } finally {
      this.feeding = false;
    }
    this.afterStep();
    return effects;
  }

  /** A request whose answer is an effect of the same step (a peer RPC, GetProtocolVersion). */
  private answerOf<K extends 'protocolVersionAnswer' | 'replyHandshake' | 'replyHaHeartbeat'>(ev: NodeEvent, kind: K): Extract<NodeEffect, { kind: K }> {
    // Requests arrive from the network, never from inside a step; a queued one could not answer.
    if (this.feeding) throw new Error(`${ev.kind} arrived while a step was being carried out`);
    const fx = this.feed(ev).find((e): e is Extract<NodeEffect, { kind: K }> => e.kind === kind);
    if (fx === undefined) throw new Error(`the node did not answer ${ev.kind}`);
    return fx;
  }

  private afterStep(): void {
    if (this.stopped) return;
    if (roleSettled(this.node)) for (const w of this.settledWaiters.splice(0)) w();
    const at = nextWakeupMs(this.node);
    if (at === this.timerAt && this.timer !== undefined) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.feed({ kind: 'tick' });
    }, Math.max(0, at - this.clock.now()));
  }

  private carryOutAll(effects: readonly NodeEffect[]): void {
    for (const fx of effects) this.carryOut(fx);
  }

  private carryOut(fx: NodeEffect): void {
    const { log, metrics: m } = this.o;
    switch (fx.kind) {
      case 'send':
        return this.send(fx.link, downToWire(fx.msg));
      case 'closeLink': {
        const link = this.links.get(fx.link);
        this.links.delete(fx.link);
        this.congested.delete(fx.link);
        link?.close(closeStatus(fx.reason), fx.message);
        return;
      }
      case 'protocolVersionAnswer':
      case 'replyHandshake':
      case 'replyHaHeartbeat':
        return; // read by the caller from the step's effects (answerOf)
      case 'sendHandshake':
        this.o.peer?.handshake(fx.request, (r) => {
          if (!r.ok) log.debug({ seq: fx.seq, reason: r.error }, 'HA handshake failed');
          this.feed(r.ok ? { kind: 'haHandshakeAnswered', seq: fx.seq, reply: r.value } : { kind: 'haHandshakeFailed', seq: fx.seq });
        });
        return;
      case 'sendHaHeartbeat':
        this.o.peer?.heartbeat(fx.request, (r) =>
          this.feed(
            r.ok
              ? { kind: 'haHeartbeatAnswered', seq: fx.seq, staleEpoch: r.value.staleEpoch, peerEpoch: r.value.epoch, peerIsActive: r.value.isActive }
              : { kind: 'haHeartbeatFailed', seq: fx.seq },
          ),
        );
        return;
      case 'roleChanged':
        log.info({ from: fx.from, to: fx.to, epoch: String(fx.epoch), reason: fx.reason, failoverMs: fx.failoverDurationMs }, 'role changed');
        m.lastRoleChangeTimestamp.set(this.clock.now() / 1000);
        if (fx.to === 'active' || fx.to === 'standby') m.roleChanges.inc({ to: fx.to });
        if (fx.failoverDurationMs !== null) m.failoverDuration.observe(fx.failoverDurationMs / 1000);
        return;
      case 'activeEpochChanged':
        m.isActive.set(fx.isActive ? 1 : 0);
        m.activeEpoch.set(fx.epoch);
        return;
      case 'recoveryModeChanged':
        log.warn({ inRecovery: fx.inRecovery }, fx.inRecovery ? 'entered HA recovery mode' : 'left HA recovery mode');
        m.haRecoveryMode.set(fx.inRecovery ? 1 : 0);
        return;
      case 'peerConnectedChanged':
        log.info({ connected: fx.connected, peerId: fx.peerId }, 'peer statestored link');
        m.peerConnected.set(fx.connected ? 1 : 0);
        return;
      case 'takeoverCheck':
        log.info({ verdict: fx.verdict, peerState: fx.peerState, failed: fx.failed, total: fx.total }, 'takeover check');
        return;
      case 'networkDisabledChanged':
        log.warn({ disabled: fx.disabled }, 'statestore network debug action');
        return;
      case 'subscriberRegistered':
        m.liveSubscribers.set(fx.live);
        log.info({ subscriberId: fx.subscriberId, registrationId: fx.registrationId, topics: fx.topics, live: fx.live }, 'subscriber registered');
        return;
      case 'subscriberUnregistered':
        m.liveSubscribers.set(fx.live);
        log.info(
          { subscriberId: fx.subscriberId, registrationId: fx.registrationId, reason: fx.reason, transientEntriesDeleted: fx.transientEntriesDeleted, live: fx.live },
          'subscriber unregistered',
        );
        return;
      case 'registrationRejected':
        m.registrationsRejected.inc({ reason: rejectionLabel(fx.reason) });
        log.warn({ subscriberId: fx.subscriberId, reason: fx.reason, detail: fx.message }, 'registration rejected');
        return;
      case 'heartbeatAnswered':
        m.heartbeatDuration.observe(fx.roundTripMs / 1000);
        return;
      case 'heartbeatMissed':
        m.heartbeatFailures.inc();
        log.debug({ subscriberId: fx.subscriberId, missed: fx.missed, why: fx.why }, 'heartbeat missed');
        return;
      case 'heartbeatSummary':
        m.subscribersReceivedHeartbeat.set(fx.answered);
        log.info({ answered: fx.answered, live: fx.live }, 'subscribers that answered a heartbeat since the last count');
        return;
      case 'topicUpdateAnswered':
        m.topicUpdateDuration.observe({ priority: String(fx.priority) }, fx.durationMs / 1000);
        return;
      case 'topicUpdateTimedOut':
        log.warn({ subscriberId: fx.subscriberId, seq: fx.seq }, 'topic update timed out, resending');
        return;
      case 'writesRejected':
        log.warn({ subscriberId: fx.subscriberId, problems: fx.message }, 'subscriber writes rejected');
        return;
      case 'topicEntriesCleared':
        m.clearTopicEntriesRequests.inc();
        return;
      case 'notices':
        if (fx.notice === 'role') m.roleNotifications.inc({ result: fx.result }, fx.count);
        else if (fx.result !== 'stale') m.catalogdNotifications.inc({ result: fx.result }, fx.count);
        return;
      case 'noticeRoundStarted':
        if (fx.notice === 'role') log.info({ epoch: String(fx.value), subscribers: fx.receivers }, 'role broadcast started');
        else log.info({ catalogdVersion: fx.value, subscribers: fx.receivers }, 'active catalogd notifications started');
        return;
      case 'noticeRoundDone':
        if (fx.notice === 'role') log.info({ epoch: String(fx.value), ms: fx.durationMs }, 'every subscriber acknowledged the role');
        else log.info({ catalogdVersion: fx.value, ms: fx.durationMs }, 'every subscriber acknowledged the active catalogd');
        return;
      case 'debugActionApplied':
        return this.logDebugAction(fx);
      case 'catalogdDesignated':
        log.info(
          { active: fx.active.subscriberId, activeAddress: fx.active.address, standby: fx.standby?.subscriberId ?? null, reason: fx.reason, catalogdVersion: fx.version },
          'active catalogd designated',
        );
        return;
      case 'catalogdCleared':
        log.warn({ catalogdVersion: fx.version }, 'no active catalogd: the active one left and no standby is registered');
        return;
      case 'catalogdVersionStamped':
        m.activeCatalogdVersion.set(fx.version);
        return;
      default:
        return assertNever(fx, 'NodeEffect');
    }
  }

  /** Impala logs every debug action it fires; the integration specs read these lines. */
  private logDebugAction(fx: Extract<NodeEffect, { kind: 'debugActionApplied' }>): void {
    const { log } = this.o;
    const fields = { label: fx.label, action: fx.entry, failed: fx.failed, delayed: fx.delayed };
    switch (fx.notice) {
      case 'role':
        return log.warn({ ...fields, epoch: String(fx.value) }, 'debug action applied to first role notifications');
      case 'catalogd':
        return log.warn({ ...fields, catalogdVersion: fx.value }, 'debug action applied to first catalogd notifications');
      case null:
        if (fx.failed > 0) return log.warn({ label: fx.label, action: fx.entry, seq: fx.value }, 'debug action failed the first HA handshake attempt');
        return log.warn({ label: fx.label, action: fx.entry, seq: fx.value }, 'debug action delays the first HA handshake attempt');
    }
  }

  private send(link: LinkId, msg: StatestoreMessage): void {
    const l = this.links.get(link);
    if (l === undefined) return;
    if (l.send(msg) || this.congested.has(link)) return;
    // The stream's buffer is full: the node sends it no topic updates until it drains.
    this.congested.add(link);
    this.feed({ kind: 'linkWritable', link, writable: false });
    l.onDrain(() => {
      if (!this.congested.delete(link)) return;
      this.feed({ kind: 'linkWritable', link, writable: true });
    });
  }
}
