/**
 * A simulated subscriber (catalogd or impalad), speaking the node's stream protocol: the real
 * follower from libs/ha (which statestored is active, epoch fencing, its link view of each),
 * libs/topics' TopicView for what it knows of each topic, and libs/ha's catalogd version check.
 * It registers with both statestoreds, each registration on a new stream, and registers again
 * every statestore_subscriber_cnxn_retry_interval_ms while a link is down or its detector says
 * FAILED (Impala's RecoveryModeChecker loop).
 *
 * An impalad subscribes to impala-membership (transient) and publishes its own entry whenever the
 * view from the active statestored lacks it (Impala republishes on a full update); it follows the
 * active catalogd from notifications and registration replies of the statestored it follows.
 * A catalogd registers as a catalogd HA candidate.
 */
import {
  activeStatestore,
  checkCatalogdUpdate,
  initialCatalogdVersionCheck,
  initialFollowerState,
  statestorePeerState,
  stepFollower,
  type CatalogdVersionCheck,
  type FollowerEffect,
  type FollowerEvent,
  type FollowerOutcome,
  type FollowerState,
  type StatestoreIndex,
} from '@statestore-ha/ha';
import type { CatalogdRegistration, DownMessage, RegistrationRequest, UpMessage } from '@statestore-ha/statestored-node';
import { IMPALA_MEMBERSHIP_TOPIC, TopicView, resyncRequest, type TopicDeltaData } from '@statestore-ha/topics';
import type { FakeClock, SimNetwork } from '@statestore-ha/testing';
import type { InvariantChecker } from './invariants';
import type { SimConfig } from './sim-config';
import type { SimMessage } from './sim-messages';
import { SimProcess } from './sim-process';

export const STATESTOREDS: Readonly<Record<StatestoreIndex, string>> = { 1: 'ss1', 2: 'ss2' };

const INDEXES: readonly StatestoreIndex[] = [1, 2];
const CATALOGD_PORT = 26000;

export function isCatalogd(name: string): boolean {
  return name.startsWith('catalogd');
}

export class SimSubscriber extends SimProcess {
  private follower: FollowerState;
  private view = new TopicView();
  private catalogdCheck: CatalogdVersionCheck = initialCatalogdVersionCheck;
  private followedCatalogd: string | null = null;
  /** The open stream to each statestored, or null. */
  private streams: Record<StatestoreIndex, number | null> = { 1: null, 2: null };
  private nextStream = 0;

  constructor(
    name: string,
    private readonly config: SimConfig,
    clock: FakeClock,
    net: SimNetwork<SimMessage>,
    private readonly checker: InvariantChecker,
  ) {
    super(name, clock, net);
    this.follower = this.fresh();
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

  /** The keys of impala-membership as this subscriber knows them (impalads only). */
  membership(): string[] {
    return [...this.view.entries(IMPALA_MEMBERSHIP_TOPIC).keys()].sort();
  }

  /** The active catalogd this subscriber follows (impalads only). */
  catalogd(): string | null {
    return this.followedCatalogd;
  }

  override crash(): void {
    // The kernel ends a killed process's streams: each statestored it can still reach sees FIN.
    for (const i of INDEXES) {
      const s = this.streams[i];
      if (s !== null) this.send(STATESTOREDS[i], { t: 'closed', stream: s });
    }
    super.crash();
  }

  private fresh(): FollowerState {
    // Seeded with the start time: a statestored never reached reads FAILED after the timeout
    // (see initialFollowerState), which lets a recovering statestored take over from a dead peer.
    return initialFollowerState(
      {
        haEnabled: this.config.subscriber.enable_statestored_ha,
        subscriberTimeoutMs: this.config.subscriber.statestore_subscriber_timeout_seconds * 1000,
        recoveryGracePeriodMs: this.config.subscriber.statestore_subscriber_recovery_grace_period_ms,
      },
      this.clock.now(),
    );
  }

  protected boot(): void {
    this.follower = this.fresh();
    this.view = new TopicView();
    this.catalogdCheck = initialCatalogdVersionCheck;
    this.followedCatalogd = null;
    this.streams = { 1: null, 2: null };
    for (const i of INDEXES) this.register(i);
    this.every(this.config.subscriber.statestore_subscriber_cnxn_retry_interval_ms, () => this.recoveryCheck());
  }

  /** A new registration on a new stream; the old stream, if any, is cancelled first. */
  private register(i: StatestoreIndex): void {
    const old = this.streams[i];
    if (old !== null) this.send(STATESTOREDS[i], { t: 'closed', stream: old });
    const stream = ++this.nextStream + 1000 * this.life;
    this.streams[i] = stream;
    // Nobody listening there refuses the connect: what this subscriber then reports about that
    // statestored to the other one (REFUSED) is half of the crash evidence.
    this.connect(STATESTOREDS[i], { t: 'up', stream, msg: { kind: 'register', request: this.request() } }, () => {
      if (this.streams[i] === stream) this.feed({ kind: 'connectRefused', index: i });
    });
  }

  private request(): RegistrationRequest {
    const catalogd = isCatalogd(this.name);
    const registration: CatalogdRegistration | undefined = catalogd
      ? { protocol: 2, address: { hostname: this.name, port: CATALOGD_PORT }, enableCatalogdHa: true, forceCatalogdActive: false, registrationTimeMs: 0 }
      : undefined;
    return {
      protocolVersion: 1,
      subscriberId: this.name,
      location: { hostname: this.name, port: catalogd ? CATALOGD_PORT : 27000 },
      topics: catalogd ? [{ topicName: 'catalog-update', isTransient: false, populateMinSubscriberTopicVersion: false }] : [{ topicName: IMPALA_MEMBERSHIP_TOPIC, isTransient: true, populateMinSubscriberTopicVersion: false }],
      subscriberType: catalogd ? 'CATALOGD' : 'COORDINATOR',
      subscribeCatalogdChange: !catalogd,
      catalogdRegistration: registration,
      highestEpochSeen: this.follower.highestEpoch,
    };
  }

  private recoveryCheck(): void {
    const now = this.clock.now();
    for (const i of INDEXES) {
      const stub = this.follower.stubs[i];
      const failed = statestorePeerState(this.follower, i, now) === 'FAILED';
      if (stub.connected && failed) this.feed({ kind: 'linkDown', index: i });
      if (!stub.connected || failed) this.register(i);
    }
  }

  private feed(ev: FollowerEvent): readonly FollowerEffect[] {
    const now = this.clock.now();
    const r = stepFollower(this.follower, ev, now);
    this.follower = r.state;
    for (const fx of r.effects) {
      if (fx.kind === 'reportChanged') {
        // Told to the other statestored at once (libs/subscriber does the same).
        const other: StatestoreIndex = fx.about === 1 ? 2 : 1;
        this.answer(other, { kind: 'connState', connState: fx.connState, highestEpochSeen: this.follower.highestEpoch });
        continue;
      }
      if (fx.kind !== 'activeChanged' || fx.to === null) continue;
      this.checker.accepted(now, this.observer, { epoch: fx.epoch, statestoreId: this.statestoreIdOf(fx.to), what: 'follow' });
      // A new active: its updates start from nothing, so no delta is applied on top of the old view.
      if (fx.from !== fx.to) {
        this.view.reset();
        this.catalogdCheck = initialCatalogdVersionCheck;
      }
    }
    return r.effects;
  }

  private statestoreIdOf(i: StatestoreIndex): string {
    return this.follower.stubs[i].statestoreId ?? '?';
  }

  private answer(i: StatestoreIndex, msg: UpMessage): void {
    const stream = this.streams[i];
    if (stream !== null) this.send(STATESTOREDS[i], { t: 'up', stream, msg });
  }

  protected receive(from: string, msg: SimMessage): void {
    const index: StatestoreIndex | null = from === STATESTOREDS[1] ? 1 : from === STATESTOREDS[2] ? 2 : null;
    if (index === null) return;
    // A stream this subscriber no longer has carries nothing (gRPC: a cancelled call).
    if ((msg.t === 'down' || msg.t === 'closed') && msg.stream !== this.streams[index]) return;
    switch (msg.t) {
      case 'closed':
        this.streams[index] = null;
        this.feed({ kind: 'linkDown', index });
        return;
      case 'down':
        return this.onDown(index, msg.msg);
      default:
        return; // peer and up messages are not for a subscriber
    }
  }

  private onDown(i: StatestoreIndex, msg: DownMessage): void {
    const now = this.clock.now();
    switch (msg.kind) {
      case 'registered':
        this.feed({ kind: 'registered', index: i, statestoreId: msg.statestoreId, isActive: msg.isActive, epoch: msg.activeEpoch });
        // Impala's is_registration_reply: the active statestored's reply names its active catalogd.
        if (msg.catalogd !== undefined && this.follows() === i) this.takeCatalogd(msg.catalogd.version, msg.catalogd.registration);
        return;
      case 'heartbeat': {
        const fx = this.feed({ kind: 'heartbeat', index: i, requestConnState: msg.requestConnState }).find((e) => e.kind === 'replyHeartbeat');
        if (fx?.kind === 'replyHeartbeat') this.answer(i, { kind: 'heartbeat', seq: msg.seq, connState: fx.connState ?? 'UNKNOWN', highestEpochSeen: fx.highestEpochSeen });
        return;
      }
      case 'role': {
        const fx = this.feed({ kind: 'roleNotification', index: i, epoch: msg.activeEpoch, isActive: msg.isActive }).find((e) => e.kind === 'answerRoleNotification');
        if (fx?.kind !== 'answerRoleNotification') return;
        if (fx.outcome === 'accepted') this.checker.accepted(now, this.observer, { epoch: this.follower.stubs[i].epoch, statestoreId: this.statestoreIdOf(i), what: 'role' });
        this.answer(i, { kind: 'role', activeEpoch: msg.activeEpoch, skipped: fx.outcome === 'skipped', staleEpoch: fx.outcome === 'stale', highestEpochSeen: fx.highestEpochSeen });
        return;
      }
      case 'updateState': {
        const outcome = this.judge(i, msg.activeEpoch);
        if (outcome.outcome !== 'accepted') {
          this.answer(i, { kind: 'updateState', seq: msg.seq, writes: [], skipped: outcome.outcome === 'skipped', staleEpoch: outcome.outcome === 'stale', highestEpochSeen: outcome.highestEpochSeen });
          return;
        }
        this.checker.accepted(now, this.observer, { epoch: this.follower.stubs[i].epoch, statestoreId: this.statestoreIdOf(i), what: 'update' });
        const writes: TopicDeltaData[] = [];
        for (const d of msg.deltas) {
          const r = this.view.apply(d);
          if (r.kind === 'resync') writes.push(resyncRequest(r.topicName, r.fromVersion));
        }
        writes.push(...this.republish());
        this.answer(i, { kind: 'updateState', seq: msg.seq, writes, skipped: false, staleEpoch: false, highestEpochSeen: outcome.highestEpochSeen });
        return;
      }
      case 'catalogd': {
        // Impala: UpdateCatalogd is taken only from the active statestored; judged like an update.
        const outcome = this.judge(i, msg.activeEpoch);
        if (outcome.outcome === 'accepted') this.takeCatalogd(msg.version, msg.registration);
        this.answer(i, { kind: 'catalogd', catalogdVersion: msg.version, skipped: outcome.outcome !== 'accepted' });
        return;
      }
      case 'publishResult':
        if (msg.rejection !== undefined) this.checker.failWithText(`${this.name}: publish rejected: ${msg.rejection.message}`);
        return;
      case 'writeRejected':
        this.checker.failWithText(`${this.name}: writes rejected: ${msg.rejection.message}`);
        return;
    }
  }

  private judge(i: StatestoreIndex, epoch: number): { outcome: FollowerOutcome; highestEpochSeen: number } {
    const fx = this.feed({ kind: 'topicUpdate', index: i, epoch }).find((e) => e.kind === 'answerTopicUpdate');
    return fx?.kind === 'answerTopicUpdate' ? { outcome: fx.outcome, highestEpochSeen: fx.highestEpochSeen } : { outcome: 'skipped', highestEpochSeen: this.follower.highestEpoch };
  }

  private takeCatalogd(version: number, registration: CatalogdRegistration): void {
    const v = checkCatalogdUpdate(this.catalogdCheck, version);
    if (!v.apply) return;
    this.catalogdCheck = v.state;
    this.followedCatalogd = registration.address?.hostname ?? null;
  }

  /**
   * An impalad's own membership entry, whenever the view from the active lacks it after an update
   * (Impala republishes on a full update). The statestored keeps one update in flight per class
   * and applies an answer's writes before it builds the next update, so an update that still lacks
   * the entry means the last write was lost (its answer never arrived): publishing again is right.
   */
  private republish(): TopicDeltaData[] {
    if (isCatalogd(this.name) || this.view.entries(IMPALA_MEMBERSHIP_TOPIC).has(this.name)) return [];
    return [{ topicName: IMPALA_MEMBERSHIP_TOPIC, entries: [{ key: this.name, value: new TextEncoder().encode(this.name), deleted: false }], isDelta: true }];
  }
}
