/**
 * A simulated subscriber (catalogd or impalad): the real follower from libs/ha, registering
 * with both statestoreds and re-registering every statestore_subscriber_cnxn_retry_interval_ms
 * while a link is down or its detector says FAILED (Impala's RecoveryModeChecker loop).
 */
import {
  activeStatestore,
  initialFollowerState,
  statestorePeerState,
  stepFollower,
  type FollowerEffect,
  type FollowerEvent,
  type FollowerState,
  type StatestoreIndex,
} from '@statestore-ha/ha';
import type { FakeClock, SimNetwork } from '@statestore-ha/testing';
import type { InvariantChecker } from './invariants';
import type { SimFlags } from './sim-flags';
import type { SimMessage } from './sim-messages';
import { SimProcess } from './sim-process';

export const STATESTOREDS: Readonly<Record<StatestoreIndex, string>> = { 1: 'ss1', 2: 'ss2' };

export class SimSubscriber extends SimProcess {
  private follower: FollowerState;

  constructor(
    name: string,
    private readonly flags: SimFlags,
    clock: FakeClock,
    net: SimNetwork<SimMessage>,
    private readonly checker: InvariantChecker,
  ) {
    super(name, clock, net);
    this.follower = this.fresh();
  }

  private fresh(): FollowerState {
    // Seeded with the start time: a statestored never reached reads FAILED after the timeout
    // (see initialFollowerState), which lets a recovering statestored take over from a dead peer.
    return initialFollowerState(
      {
        haEnabled: true,
        subscriberTimeoutMs: this.flags.statestore_subscriber_timeout_ms,
        recoveryGracePeriodMs: this.flags.statestore_subscriber_recovery_grace_period_ms,
      },
      this.clock.now(),
    );
  }

  /** The incarnation, as the checker's observer: a restarted subscriber starts from nothing. */
  get observer(): string {
    return `${this.name}#${this.life}`;
  }

  get state(): FollowerState {
    return this.follower;
  }

  follows(): StatestoreIndex | null {
    return activeStatestore(this.follower);
  }

  protected boot(): void {
    this.follower = this.fresh();
    for (const i of [1, 2] as const) this.register(i);
    this.every(this.flags.statestore_subscriber_cnxn_retry_interval_ms, () => this.recoveryCheck());
  }

  private register(i: StatestoreIndex): void {
    this.send(STATESTOREDS[i], { t: 'register', highestEpochSeen: this.follower.highestEpoch });
  }

  private recoveryCheck(): void {
    const now = this.clock.now();
    for (const i of [1, 2] as const) {
      const stub = this.follower.stubs[i];
      const failed = statestorePeerState(this.follower, i, now) === 'FAILED';
      if (stub.connected && failed) this.feed({ kind: 'linkDown', index: i }, null);
      if (!stub.connected || failed) this.register(i);
    }
  }

  private feed(ev: FollowerEvent, replyTo: string | null): void {
    const now = this.clock.now();
    const r = stepFollower(this.follower, ev, now);
    this.follower = r.state;
    for (const fx of r.effects) this.carryOut(fx, replyTo, now);
  }

  private carryOut(fx: FollowerEffect, replyTo: string | null, now: number): void {
    const idOf = (i: StatestoreIndex) => this.follower.stubs[i].statestoreId ?? '?';
    switch (fx.kind) {
      case 'activeChanged':
        if (fx.to !== null) this.checker.accepted(now, this.observer, { epoch: fx.epoch, statestoreId: idOf(fx.to), what: 'follow' });
        break;
      case 'replyHeartbeat':
        if (replyTo) this.send(replyTo, { t: 'heartbeatReply', connState: fx.connState, highestEpochSeen: fx.highestEpochSeen });
        break;
      case 'answerRoleNotification':
        if (fx.outcome === 'accepted') this.checker.accepted(now, this.observer, { epoch: this.follower.stubs[fx.index].epoch, statestoreId: idOf(fx.index), what: 'role' });
        if (replyTo) this.send(replyTo, { t: 'roleAck', outcome: fx.outcome, highestEpochSeen: fx.highestEpochSeen });
        break;
      case 'answerTopicUpdate':
        if (fx.outcome === 'accepted') this.checker.accepted(now, this.observer, { epoch: this.follower.stubs[fx.index].epoch, statestoreId: idOf(fx.index), what: 'update' });
        if (replyTo) this.send(replyTo, { t: 'updateAck', outcome: fx.outcome, highestEpochSeen: fx.highestEpochSeen });
        break;
      case 'staleRegistration':
        break;
    }
  }

  protected receive(from: string, msg: SimMessage): void {
    const index: StatestoreIndex | null = from === 'ss1' ? 1 : from === 'ss2' ? 2 : null;
    if (index === null) return;
    switch (msg.t) {
      case 'registered':
        this.feed({ kind: 'registered', index, statestoreId: msg.statestoreId, isActive: msg.isActive, epoch: msg.epoch }, from);
        return;
      case 'heartbeat':
      case 'role':
      case 'update':
        // Impala: a request carrying another registration is not counted (heartbeat) or fails
        // (update). Here: ignore it and register with the incarnation that sent it.
        if (msg.statestoreId !== this.follower.stubs[index].statestoreId) {
          this.register(index);
          return;
        }
        if (msg.t === 'heartbeat') this.feed({ kind: 'heartbeat', index, requestConnState: msg.requestConnState }, from);
        else if (msg.t === 'role') this.feed({ kind: 'roleNotification', index, epoch: msg.epoch, isActive: true }, from);
        else this.feed({ kind: 'topicUpdate', index, epoch: msg.epoch }, from);
        return;
      case 'unknownSubscriber':
        this.feed({ kind: 'linkDown', index }, null);
        this.register(index);
        return;
      default:
        return; // up and peer messages are not for a subscriber
    }
  }
}
