import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  activeEpoch,
  inRecoveryMode,
  isActive,
  nextWakeupMs,
  peerConnected,
  requestsConnState,
  startHa,
  step,
  type HaConfig,
  type HaEffect,
  type HaEvent,
  type HaState,
  type Stepped,
} from '@statestore-ha/ha';
import type { StatestoredMetrics } from '@statestore-ha/metrics';
import {
  ConnState,
  CURRENT_PROTOCOL_VERSION,
  StatestoreHaServiceClient,
  type HaHandshakeRequest,
  type HaHandshakeResponse,
  type HaHeartbeatRequest,
  type HaHeartbeatResponse,
} from '@statestore-ha/proto';
import type { Logger } from '@statestore-ha/daemon';
import { FirstAttempts, NO_DEBUG_ACTIONS, type DebugActionHook, type LateAttempt } from './first-attempt';
import { RoleBroadcast } from './role-broadcast';
import type { RoleView } from './role-view';
import type { NotificationAnswer, Statestore } from './statestore';

export interface HaRunnerOptions {
  config: HaConfig;
  peerAddress: string;
  /** Deadline of one HA RPC (statestore_update_statestore_tcp_timeout_seconds, capped by the cadence). */
  rpcTimeoutMs: number;
  /** update_statestore_rpc_resend_interval_ms */
  resendIntervalMs: number;
  metrics: StatestoredMetrics;
  log: Logger;
  now?: () => number;
  /**
   * --debug_actions on first attempts: SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT (each
   * subscriber's first role notification of a promotion) and STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT.
   */
  debugAction?: DebugActionHook;
}

const ROLE_RPC_LABEL = 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT';
const HANDSHAKE_LABEL = 'STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT';

const HA_CONN_STATE = {
  [ConnState.CONN_STATE_OK]: 'OK',
  [ConnState.CONN_STATE_FAILED]: 'FAILED',
  [ConnState.CONN_STATE_UNKNOWN]: 'UNKNOWN',
} as const;

export class HaRpcError extends Error {
  override readonly name = 'HaRpcError';
  constructor(readonly code: status, message: string) {
    super(message);
  }
}

/**
 * Drives libs/ha's role machine in a statestored: feeds it the HA RPCs, their results, subscriber
 * events and ticks at the time it asks for, and carries out its effects (RPCs to the peer, role
 * notifications, metrics, logs). No decision is made here.
 */
export class HaRunner implements RoleView {
  private state!: HaState;
  private core: Statestore | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private broadcast: RoleBroadcast | undefined;
  private firstAttempts: FirstAttempts | undefined;
  /**
   * The next handshake opens a series of tries: the startup one (Impala InitStatestoreHa) or the
   * first after entering recovery mode (its monitor loop calls SendHaHandshake). Impala runs
   * STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT on the first try of each SendHaHandshake call.
   */
  private handshakeSeriesStarts = true;
  private readonly handshakeDelays = new Set<NodeJS.Timeout>();
  private readonly debugAction: DebugActionHook;
  private readonly peer: StatestoreHaServiceClient;
  private readonly now: () => number;
  private settledWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly o: HaRunnerOptions) {
    this.now = o.now ?? Date.now;
    this.debugAction = o.debugAction ?? NO_DEBUG_ACTIONS;
    this.peer = new StatestoreHaServiceClient(o.peerAddress, credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    });
  }

  /** The statestore core it answers for (built after the runner, since the core takes a RoleView). */
  attach(core: Statestore): void {
    this.core = core;
    core.onNotificationAnswer((id, answer) => this.notificationAnswered(id, answer));
  }

  start(): void {
    const m = this.o.metrics;
    m.isActive.set(0);
    m.peerConnected.set(0);
    m.haRecoveryMode.set(0);
    this.apply(startHa(this.o.config, this.now()));
  }

  /** Resolves once the startup handshake settled the role (Impala opens the subscriber port then). */
  settled(): Promise<void> {
    if (this.state.role !== 'starting') return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.resendTimer) clearInterval(this.resendTimer);
    this.firstAttempts?.cancel();
    for (const t of this.handshakeDelays) clearTimeout(t);
    this.handshakeDelays.clear();
    this.peer.close();
  }

  status(): Record<string, unknown> {
    return {
      statestore_id: this.o.config.statestoreId,
      role: this.state.role,
      is_active: isActive(this.state),
      active_epoch: activeEpoch(this.state),
      in_recovery_mode: inRecoveryMode(this.state),
      connected_with_peer: peerConnected(this.state),
      peer_id: this.state.peerId,
      peer_address: this.o.peerAddress,
      pending_role_notifications: this.broadcast?.remaining ?? 0,
    };
  }

  // ---- RoleView (what the subscriber side asks and tells) -----------------------------------

  isActive(): boolean {
    return isActive(this.state);
  }

  activeEpoch(): number {
    return activeEpoch(this.state);
  }

  requestConnState(): boolean {
    return requestsConnState(this.state);
  }

  subscriberRegistered(subscriberId: string, highestEpochSeen: number): void {
    this.feed({ kind: 'subscriberRegistered', subscriberId, highestEpochSeen });
  }

  subscriberUnregistered(subscriberId: string): void {
    this.broadcast?.forget(subscriberId);
    this.firstAttempts?.forget(subscriberId);
    this.feed({ kind: 'subscriberUnregistered', subscriberId });
  }

  connStateReported(subscriberId: string, state: ConnState): void {
    const connState = HA_CONN_STATE[state as keyof typeof HA_CONN_STATE] ?? 'UNKNOWN';
    this.feed({ kind: 'subscriberConnState', subscriberId, connState });
  }

  staleEpochReported(subscriberId: string, highestEpochSeen: number): void {
    this.feed({ kind: 'subscriberEpoch', subscriberId, highestEpochSeen });
  }

  networkDisabledChanged(disabled: boolean): void {
    this.feed({ kind: 'networkDisabled', disabled });
  }

  // ---- the peer's RPCs ----------------------------------------------------------------------

  handshake(req: HaHandshakeRequest): HaHandshakeResponse {
    const fx = this.feed({
      kind: 'handshakeRequest',
      request: { statestoreId: req.srcStatestoreId, address: req.srcStatestoreAddress, forceActive: req.srcForceActive, isActive: req.srcIsActive, epoch: req.srcEpoch },
    });
    const reply = fx.find((e): e is Extract<HaEffect, { kind: 'replyHandshake' }> => e.kind === 'replyHandshake')?.reply;
    if (!reply) throw new HaRpcError(status.UNAVAILABLE, 'handshake refused (network disabled or own id)');
    return { dstProtocolVersion: CURRENT_PROTOCOL_VERSION, dstStatestoreId: reply.statestoreId, dstStatestoreActive: reply.isActive, dstEpoch: reply.epoch };
  }

  heartbeat(req: HaHeartbeatRequest): HaHeartbeatResponse {
    const fx = this.feed({ kind: 'haHeartbeatRequest', dstStatestoreId: req.dstStatestoreId, srcStatestoreId: req.srcStatestoreId, srcEpoch: req.srcEpoch });
    const reply = fx.find((e): e is Extract<HaEffect, { kind: 'replyHaHeartbeat' }> => e.kind === 'replyHaHeartbeat');
    if (!reply || reply.outcome === 'rejected') throw new HaRpcError(status.UNAVAILABLE, 'HA heartbeat refused (network disabled or not addressed to this statestored)');
    return { staleEpoch: reply.outcome === 'staleEpoch', dstEpoch: reply.epoch, dstIsActive: reply.isActive };
  }

  // ---- driving the machine ------------------------------------------------------------------

  private feed(ev: HaEvent): readonly HaEffect[] {
    const out = step(this.state, ev, this.now());
    this.apply(out);
    return out.effects;
  }

  private apply(out: Stepped): void {
    this.state = out.state;
    for (const fx of out.effects) this.carryOut(fx);
    if (this.state.role !== 'starting') for (const w of this.settledWaiters.splice(0)) w();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, nextWakeupMs(this.state) - this.now());
    this.timer = setTimeout(() => this.feed({ kind: 'tick' }), wait);
  }

  private carryOut(fx: HaEffect): void {
    const { log, metrics: m } = this.o;
    switch (fx.kind) {
      case 'sendHandshake':
        return this.sendHandshake(fx);
      case 'sendHaHeartbeat': {
        const req: HaHeartbeatRequest = { protocolVersion: CURRENT_PROTOCOL_VERSION, dstStatestoreId: fx.dstStatestoreId, srcStatestoreId: fx.srcStatestoreId, srcEpoch: fx.epoch };
        this.peer.statestoreHaHeartbeat(req, new Metadata(), { deadline: this.deadline() }, (err: ServiceError | null, res?: HaHeartbeatResponse) => {
          if (this.stopped) return;
          if (err || !res) this.feed({ kind: 'haHeartbeatFailed', seq: fx.seq });
          else this.feed({ kind: 'haHeartbeatReply', seq: fx.seq, staleEpoch: res.staleEpoch, peerEpoch: res.dstEpoch, peerIsActive: res.dstIsActive });
        });
        return;
      }
      case 'replyHandshake':
      case 'replyHaHeartbeat':
        return; // read by handshake() / heartbeat() from the step's effects
      case 'roleChanged': {
        const now = this.now();
        log.info({ from: fx.from, to: fx.to, epoch: String(fx.epoch), reason: fx.reason, failoverMs: fx.failoverDurationMs }, 'role changed');
        m.isActive.set(fx.to === 'active' ? 1 : 0);
        m.activeEpoch.set(fx.to === 'active' ? fx.epoch : 0);
        m.lastRoleChangeTimestamp.set(now / 1000);
        if (fx.to === 'active' || fx.to === 'standby') m.roleChanges.inc({ to: fx.to });
        if (fx.failoverDurationMs !== null) m.failoverDuration.observe(fx.failoverDurationMs / 1000);
        if (fx.to === 'active') {
          // Topics are not replicated between the two (Impala): a new active starts every
          // subscriber from version 0, so subscribers republish and catalogd sends a full catalog.
          this.core?.startOver();
        } else {
          this.endBroadcast();
        }
        return;
      }
      case 'broadcastRole':
        return this.startBroadcast(fx.epoch);
      case 'recoveryModeChanged':
        if (fx.inRecovery) this.handshakeSeriesStarts = true;
        log.warn({ inRecovery: fx.inRecovery }, fx.inRecovery ? 'entered HA recovery mode' : 'left HA recovery mode');
        m.haRecoveryMode.set(fx.inRecovery ? 1 : 0);
        return;
      case 'peerConnectedChanged':
        log.info({ connected: fx.connected, peerId: fx.peerId }, 'peer statestored link');
        m.peerConnected.set(fx.connected ? 1 : 0);
        return;
      case 'requestConnState':
        return;
      case 'takeoverCheck':
        log.info({ verdict: fx.verdict, peerState: fx.peerState, failed: fx.failed, total: fx.total }, 'takeover check');
        return;
    }
  }

  /** The HA handshake RPC; the first try of a series goes through STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT. */
  private sendHandshake(fx: Extract<HaEffect, { kind: 'sendHandshake' }>): void {
    const first = this.handshakeSeriesStarts;
    this.handshakeSeriesStarts = false;
    const fate = first ? this.debugAction(HANDSHAKE_LABEL) : undefined;
    const send = (): void => {
      if (this.stopped) return;
      if (fate?.fail) {
        // As a failed RPC: the machine retries after statestore_peer_cnxn_retry_interval_ms.
        this.o.log.warn({ label: HANDSHAKE_LABEL, action: fate.injected, seq: fx.seq }, 'debug action failed the first HA handshake attempt');
        this.feed({ kind: 'handshakeFailed', seq: fx.seq });
        return;
      }
      const req: HaHandshakeRequest = {
        srcProtocolVersion: CURRENT_PROTOCOL_VERSION,
        srcStatestoreId: fx.request.statestoreId,
        srcStatestoreAddress: fx.request.address,
        srcForceActive: fx.request.forceActive,
        srcEpoch: fx.request.epoch,
        srcIsActive: fx.request.isActive,
      };
      this.peer.statestoreHaHandshake(req, new Metadata(), { deadline: this.deadline() }, (err: ServiceError | null, res?: HaHandshakeResponse) => {
        if (this.stopped) return;
        if (err || !res) {
          this.o.log.debug({ seq: fx.seq, code: err?.code, reason: err?.details }, 'HA handshake failed');
          this.feed({ kind: 'handshakeFailed', seq: fx.seq });
        } else {
          this.feed({ kind: 'handshakeReply', seq: fx.seq, reply: { statestoreId: res.dstStatestoreId, isActive: res.dstStatestoreActive, epoch: res.dstEpoch } });
        }
      });
    };
    if (fate === undefined || fate.delayMs === 0) return send();
    // Impala sleeps inside the attempt; a delay past the retry interval makes the machine count
    // the attempt as unanswered and try again, and a late reply still counts (its seq is known).
    this.o.log.warn({ label: HANDSHAKE_LABEL, delayMs: fate.delayMs, seq: fx.seq }, 'debug action delays the first HA handshake attempt');
    const t = setTimeout(() => {
      this.handshakeDelays.delete(t);
      send();
    }, fate.delayMs);
    this.handshakeDelays.add(t);
  }

  private deadline(): Date {
    return new Date(this.now() + this.o.rpcTimeoutMs);
  }

  private startBroadcast(epoch: number): void {
    const core = this.core;
    if (!core) return;
    this.endBroadcast();
    const { log, metrics: m } = this.o;
    const b = new RoleBroadcast(epoch, [...core.subscribers()].map((s) => s.subscriberId), this.now());
    const first = new FirstAttempts(ROLE_RPC_LABEL, this.debugAction);
    this.broadcast = b;
    this.firstAttempts = first;
    const send = (id: string): boolean => core.sendTo(id, b.message);
    const late = (id: string, result: LateAttempt): void => {
      if (result === 'sent') return;
      m.roleNotifications.inc({ result: 'failed' });
      if (result === 'injected') log.warn({ label: ROLE_RPC_LABEL, epoch: String(epoch), subscriber: id }, 'debug action failed a delayed first role notification');
    };
    // Impala: the first pass goes through SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT, resends do not.
    const r = first.run(b.receivers(), send, late);
    if (r.failed > 0) m.roleNotifications.inc({ result: 'failed' }, r.failed);
    if (r.injected > 0 || r.delayed > 0) {
      log.warn({ label: ROLE_RPC_LABEL, action: r.injectedBy, failed: r.injected, delayed: r.delayed, epoch: String(epoch) }, 'debug action applied to first role notifications');
    }
    log.info({ epoch: String(epoch), subscribers: b.remaining }, 'role broadcast started');
    if (b.done) return this.endBroadcast();
    this.resendTimer = setInterval(() => {
      const again = b.resend(send, (id) => first.isHeld(id));
      if (again.failed > 0) m.roleNotifications.inc({ result: 'failed' }, again.failed);
      if (b.done) this.endBroadcast();
    }, this.o.resendIntervalMs);
  }

  private endBroadcast(): void {
    if (this.resendTimer) clearInterval(this.resendTimer);
    this.resendTimer = undefined;
    this.broadcast = undefined;
    this.firstAttempts?.cancel();
    this.firstAttempts = undefined;
  }

  private notificationAnswered(subscriberId: string, answer: NotificationAnswer): void {
    if (answer.$case !== 'role') return;
    const v = answer.value;
    const result = v.staleEpoch ? 'stale' : v.skipped ? 'skipped' : 'ok';
    this.o.metrics.roleNotifications.inc({ result });
    if (this.broadcast?.answered(subscriberId, v.activeEpoch) && this.broadcast.done) {
      this.o.log.info({ epoch: String(this.broadcast.epoch), ms: this.now() - this.broadcast.startedAtMs }, 'every subscriber acknowledged the role');
      this.endBroadcast();
    }
  }
}
