/**
 * A simulated statestored: the real role machine (and catalogd election) from libs/ha, driven
 * the way apps/statestored's runner drives it: ticks at nextWakeupMs, HA RPCs to the peer,
 * heartbeats to every registered subscriber with a MissedHeartbeatFailureDetector each (drop at
 * statestore_max_missed_heartbeats), topic updates from the active only, and the role broadcast
 * resent every update_statestore_rpc_resend_interval_ms until each subscriber acknowledges.
 */
import {
  acceptsRegistrations,
  activeCatalogd,
  activeEpoch,
  epochSlot,
  initialCatalogdElection,
  isActive,
  missedHeartbeatDetector,
  missedHeartbeatState,
  nextWakeupMs,
  recordHeartbeatResult,
  requestsConnState,
  startHa,
  step,
  stepCatalogd,
  type CatalogdElectionState,
  type CatalogdEvent,
  type ConnState,
  type HaConfig,
  type HaEffect,
  type HaEvent,
  type HaState,
  type MissedHeartbeatDetector,
} from '@statestore-ha/ha';
import type { FakeClock, SimNetwork } from '@statestore-ha/testing';
import type { InvariantChecker } from './invariants';
import type { SimFlags } from './sim-flags';
import type { SimMessage } from './sim-messages';
import { SimProcess } from './sim-process';

interface Registered {
  detector: MissedHeartbeatDetector;
  heartbeatOutstanding: boolean;
}

export class SimStatestored extends SimProcess {
  private ha: HaState | null = null;
  private subs = new Map<string, Registered>();
  private catalogd: CatalogdElectionState;
  private rolePending = new Set<string>();
  private roleEpoch = 0;
  private haTimerAt: number | null = null;
  private haTimer: number | null = null;
  private loops = 0;
  /** What the simulator saw delivered, for the takeover check (not the machine's own table). */
  private deliveredReports = new Map<string, ConnState>();
  private lastPeerContactMs: number | null = null;

  constructor(
    name: string,
    private readonly peer: string,
    private readonly flags: SimFlags,
    clock: FakeClock,
    net: SimNetwork<SimMessage>,
    private readonly checker: InvariantChecker,
    private readonly subscriberNames: readonly string[],
  ) {
    super(name, clock, net);
    this.catalogd = this.freshCatalogd();
  }

  get statestoreId(): string {
    return `${this.name}#${this.life}`;
  }

  get state(): HaState | null {
    return this.up ? this.ha : null;
  }

  isActive(): boolean {
    return this.up && this.ha !== null && isActive(this.ha);
  }

  hasRegistered(subscriber: string): boolean {
    return this.subs.has(subscriber);
  }

  /** The catalogd this statestored's election designates (Impala's active_catalogd). */
  activeCatalogd(): string | null {
    return activeCatalogd(this.catalogd)?.subscriberId ?? null;
  }

  epoch(): number {
    return this.ha === null ? 0 : activeEpoch(this.ha);
  }

  protected boot(): void {
    this.subs = new Map();
    this.rolePending = new Set();
    this.deliveredReports = new Map();
    this.lastPeerContactMs = null;
    this.catalogd = this.freshCatalogd();
    this.haTimer = null;
    this.haTimerAt = null;
    const f = this.flags;
    const self = `${this.name}:24020`;
    const config: HaConfig = {
      statestoreId: this.statestoreId,
      selfAddress: self,
      epochSlot: epochSlot(self, `${this.peer}:24020`),
      forceActive: false,
      useNetworkAddressAsPriority: false,
      peerCnxnAttempts: f.statestore_peer_cnxn_attempts,
      peerCnxnRetryIntervalMs: f.statestore_ha_preemption_wait_period_ms / f.statestore_peer_cnxn_attempts,
      monitoringFrequencyMs: f.statestore_ha_heartbeat_monitoring_frequency_ms,
      peerTimeoutMs: f.statestore_peer_timeout_ms,
      peerMaxMissedHeartbeats: f.statestore_max_missed_heartbeats,
      maxReceivedHeartbeatsInActive: 10,
      skipMajorityCheck: f.statestore_ha_unsafe_skip_majority_check,
    };
    const st = startHa(config, this.clock.now());
    this.ha = st.state;
    this.carryOut(st.effects, null, 0);
    this.armHaTimer();
    this.every(f.statestore_heartbeat_frequency_ms, () => this.loop());
  }

  private freshCatalogd(): CatalogdElectionState {
    return initialCatalogdElection({ enabled: true, useSubscriberIdAsPriority: true, preemptionWaitMs: this.flags.catalogd_ha_preemption_wait_period_ms });
  }

  // ---- the role machine --------------------------------------------------------------------

  private feed(ev: HaEvent, replyTo: string | null = null, replySeq = 0): void {
    if (this.ha === null) return;
    const r = step(this.ha, ev, this.clock.now());
    this.ha = r.state;
    this.carryOut(r.effects, replyTo, replySeq);
    this.armHaTimer();
  }

  private armHaTimer(): void {
    if (this.ha === null) return;
    const at = nextWakeupMs(this.ha);
    if (this.haTimerAt !== null && this.haTimerAt <= at) return;
    if (this.haTimer !== null) this.clock.cancel(this.haTimer);
    this.haTimerAt = at;
    this.haTimer = this.after(at - this.clock.now(), () => {
      this.haTimer = null;
      this.haTimerAt = null;
      this.feed({ kind: 'tick' });
    });
  }

  private carryOut(effects: readonly HaEffect[], replyTo: string | null, replySeq: number): void {
    const now = this.clock.now();
    for (const fx of effects) {
      switch (fx.kind) {
        case 'sendHandshake':
          this.send(this.peer, { t: 'handshake', seq: fx.seq, request: fx.request });
          break;
        case 'replyHandshake':
          if (replyTo !== null) this.send(replyTo, { t: 'handshakeReply', seq: replySeq, reply: fx.reply });
          break;
        case 'sendHaHeartbeat':
          this.send(this.peer, { t: 'haHeartbeat', seq: fx.seq, dst: fx.dstStatestoreId, src: fx.srcStatestoreId, epoch: fx.epoch });
          break;
        case 'replyHaHeartbeat':
          if (replyTo !== null) this.send(replyTo, { t: 'haHeartbeatReply', seq: replySeq, outcome: fx.outcome, epoch: fx.epoch, isActive: fx.isActive });
          break;
        case 'roleChanged': {
          this.checker.note(now, this.statestoreId, 'role', `${fx.from}->${fx.to} epoch=${fx.epoch} ${fx.reason}`);
          if (fx.reason === 'takeover') this.checkTakeover(now);
          if (fx.from === 'active') {
            this.rolePending.clear();
            this.deliveredReports.clear();
          }
          break;
        }
        case 'broadcastRole':
          this.roleEpoch = fx.epoch;
          this.rolePending = new Set(this.subs.keys());
          for (const s of this.rolePending) this.send(s, { t: 'role', statestoreId: this.statestoreId, epoch: fx.epoch });
          break;
        case 'recoveryModeChanged':
        case 'peerConnectedChanged':
        case 'requestConnState':
        case 'takeoverCheck':
          break;
      }
    }
  }

  private checkTakeover(now: number): void {
    let failed = 0;
    for (const s of this.subs.keys()) if (this.deliveredReports.get(s) === 'FAILED') failed++;
    const silent = this.lastPeerContactMs === null ? null : now - this.lastPeerContactMs;
    this.checker.takeover(now, this.statestoreId, silent, this.flags.statestore_peer_timeout_ms, failed, this.subs.size, this.flags.statestore_ha_unsafe_skip_majority_check);
  }

  // ---- periodic work -----------------------------------------------------------------------

  private loop(): void {
    const ha = this.ha;
    if (ha === null) return;
    this.loops++;
    const askConn = requestsConnState(ha);
    for (const [id, r] of this.subs) {
      if (r.heartbeatOutstanding) r.detector = recordHeartbeatResult(r.detector, false);
      if (missedHeartbeatState(r.detector) === 'FAILED') {
        this.unregister(id);
        continue;
      }
      r.heartbeatOutstanding = true;
      this.send(id, { t: 'heartbeat', statestoreId: this.statestoreId, requestConnState: askConn });
    }
    if (this.ha !== null && isActive(this.ha)) {
      for (const s of this.rolePending) this.send(s, { t: 'role', statestoreId: this.statestoreId, epoch: this.roleEpoch });
      const updateEvery = Math.max(1, Math.round(this.flags.statestore_update_frequency_ms / this.flags.statestore_heartbeat_frequency_ms));
      if (this.loops % updateEvery === 0) {
        const epoch = activeEpoch(this.ha);
        for (const s of this.subs.keys()) this.send(s, { t: 'update', statestoreId: this.statestoreId, epoch });
      }
    }
    this.feedCatalogd({ kind: 'tick' });
  }

  private unregister(id: string): void {
    this.subs.delete(id);
    this.rolePending.delete(id);
    this.deliveredReports.delete(id);
    this.feed({ kind: 'subscriberUnregistered', subscriberId: id });
    if (isCatalogd(id)) this.feedCatalogd({ kind: 'catalogdUnregistered', subscriberId: id, registrationId: `${id}@${this.statestoreId}` });
  }

  private feedCatalogd(ev: CatalogdEvent): void {
    const r = stepCatalogd(this.catalogd, ev, this.clock.now());
    this.catalogd = r.state;
    for (const fx of r.effects) {
      if (fx.kind === 'catalogdDesignated') this.checker.note(this.clock.now(), this.statestoreId, 'catalogd', `active=${fx.active.subscriberId} v${fx.version} ${fx.reason}`);
    }
  }

  // ---- messages ----------------------------------------------------------------------------

  protected receive(from: string, msg: SimMessage): void {
    if (this.ha === null) return;
    const now = this.clock.now();
    switch (msg.t) {
      case 'handshake':
        this.lastPeerContactMs = now;
        this.feed({ kind: 'handshakeRequest', request: msg.request }, from, msg.seq);
        return;
      case 'handshakeReply':
        if (msg.reply === null) this.feed({ kind: 'handshakeFailed', seq: msg.seq });
        else {
          this.lastPeerContactMs = now;
          this.feed({ kind: 'handshakeReply', seq: msg.seq, reply: msg.reply });
        }
        return;
      case 'haHeartbeat':
        if (msg.dst === this.statestoreId) this.lastPeerContactMs = now;
        this.feed({ kind: 'haHeartbeatRequest', dstStatestoreId: msg.dst, srcStatestoreId: msg.src, srcEpoch: msg.epoch }, from, msg.seq);
        return;
      case 'haHeartbeatReply':
        if (msg.outcome === 'rejected') this.feed({ kind: 'haHeartbeatFailed', seq: msg.seq });
        else {
          this.lastPeerContactMs = now;
          this.feed({ kind: 'haHeartbeatReply', seq: msg.seq, staleEpoch: msg.outcome === 'staleEpoch', peerEpoch: msg.epoch, peerIsActive: msg.isActive });
        }
        return;
      case 'register':
        this.onRegister(from, msg.highestEpochSeen);
        return;
      case 'heartbeatReply':
      case 'roleAck':
      case 'updateAck': {
        const r = this.subs.get(from);
        if (r === undefined) {
          this.send(from, { t: 'unknownSubscriber' });
          return;
        }
        if (msg.t === 'heartbeatReply') {
          r.heartbeatOutstanding = false;
          r.detector = recordHeartbeatResult(r.detector, true);
          if (msg.connState !== null) {
            this.deliveredReports.set(from, msg.connState);
            this.feed({ kind: 'subscriberConnState', subscriberId: from, connState: msg.connState });
          }
        }
        // Impala removes a receiver on RPC OK even if it skipped the notification.
        if (msg.t === 'roleAck') this.rolePending.delete(from);
        this.feed({ kind: 'subscriberEpoch', subscriberId: from, highestEpochSeen: msg.highestEpochSeen });
        return;
      }
      case 'registered':
      case 'heartbeat':
      case 'role':
      case 'update':
      case 'unknownSubscriber':
        return; // down messages are not for a statestored
    }
  }

  private onRegister(from: string, highestEpochSeen: number): void {
    if (this.ha === null || !acceptsRegistrations(this.ha)) return;
    if (!this.subscriberNames.includes(from)) return;
    this.subs.set(from, { detector: missedHeartbeatDetector(this.flags.statestore_max_missed_heartbeats), heartbeatOutstanding: false });
    this.deliveredReports.delete(from);
    this.feed({ kind: 'subscriberRegistered', subscriberId: from, highestEpochSeen });
    if (isCatalogd(from)) {
      this.feedCatalogd({ kind: 'catalogdRegistered', candidate: { subscriberId: from, registrationId: `${from}@${this.statestoreId}`, forceActive: false, address: `${from}:26000` } });
    }
    const ha = this.ha;
    // The reply tells the subscriber the current role, which stands in for the broadcast.
    this.rolePending.delete(from);
    this.send(from, { t: 'registered', statestoreId: this.statestoreId, isActive: isActive(ha), epoch: activeEpoch(ha) });
  }
}

function isCatalogd(id: string): boolean {
  return id.startsWith('catalogd');
}
