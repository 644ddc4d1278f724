import { status } from '@grpc/grpc-js';
import {
  ConnState,
  CURRENT_PROTOCOL_VERSION,
  type CatalogdNotification,
  type CatalogRegistration,
  type NetworkAddress,
  type PublishResult,
  type RegisterRequest,
  type RegisterResponse,
  type StatestoreMessage,
  type SubscriberType,
  type TopicDelta,
  type UpdateState,
} from '@statestore-ha/proto';
import type { TopicDeltaData, TopicItem, TopicSubscription } from '@statestore-ha/topics';
import type { ActiveChange, ActiveTracker, StatestoreIndex, Tracked } from './active-tracker';
import type { LinkClosed, LinkFactory } from './link';
import { StatestoreConnection } from './statestore-connection';
import { deltaFromWire, deltaToWire, subscriptionToWire } from './wire-mapping';

export interface SubscribedTopic extends TopicSubscription {
  /**
   * On a full (non-delta) update, send this subscriber's own entries of the topic back with
   * clear_topic_entries (Impala's catalogd does this when the statestore starts it from 0).
   */
  clearOnFullUpdate?: boolean;
}

export interface TopicUpdate {
  topicName: string;
  /** A full state (non-delta): the statestore started over (restart, failover, resync). */
  full: boolean;
  changed: readonly TopicItem[];
  /** Every live entry of the topic as the active statestored sent it. */
  entries: ReadonlyMap<string, Uint8Array>;
  minSubscriberTopicVersion: number | undefined;
  fromStatestore: StatestoreIndex;
}

export interface SubscriberLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** What the subscriber reports; the daemons turn it into prom-client metrics. */
export interface SubscriberObserver {
  connected(index: StatestoreIndex, up: boolean): void;
  registered(index: StatestoreIndex): void;
  activeChanged(change: ActiveChange, nowMs: number): void;
  resyncRequested(topicName: string): void;
  staleEpochRejected(): void;
}

export interface SubscriberOptions {
  subscriberId: string;
  subscriberType: SubscriberType;
  location: NetworkAddress;
  topics: readonly SubscribedTopic[];
  /** One address without HA, two with --enable_statestored_ha (index 1 and 2). */
  statestores: ReadonlyArray<{ address: string; linkFactory: LinkFactory }>;
  tracker: ActiveTracker;
  heartbeatTimeoutMs: number;
  backoff: { startingDelayMs: number; maxDelayMs: number };
  startupAttempts: number;
  /**
   * statestore_client_rpc_timeout_ms: how long a registration waits for its reply, and a publish
   * for its answer, before it fails (Impala: the deadline of the subscriber's RPCs).
   */
  rpcTimeoutMs?: number;
  subscribeCatalogdChange?: boolean;
  catalogdRegistration?: () => CatalogRegistration | undefined;
  log: SubscriberLogger;
  observer: SubscriberObserver;
  now?: () => number;
}

export type PublishOutcome = { accepted: true } | { accepted: false; code: number; message: string };

/**
 * How a designation of the active catalogd reached the subscriber: an UpdateCatalogd notification,
 * or the registration reply of the active statestored (Impala's is_registration_reply).
 */
export type CatalogdSource = 'notification' | 'registration';

/**
 * Takes a designation of the active catalogd; returns false to answer a notification `skipped`
 * (Impala: the receiver could not take it now). A registration reply has no answer, so its
 * return value is not used.
 */
export type CatalogdHandler = (n: CatalogdNotification, from: StatestoreIndex, source: CatalogdSource) => boolean;

export class NotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
}

/** Impala's statestore_client_rpc_timeout_ms default. */
const DEFAULT_RPC_TIMEOUT_MS = 300_000;

/**
 * What every daemon uses to talk to the statestore: one StatestoreConnection per statestored, the
 * ActiveTracker deciding whom to follow, version-checked topic updates from the active one only,
 * and the daemon's own entries, which are republished whenever a statestored starts over.
 */
export class StatestoreSubscriber {
  private readonly conns: StatestoreConnection[];
  private readonly handlers = new Map<string, Array<(u: TopicUpdate) => void>>();
  private readonly own = new Map<string, Map<string, Uint8Array>>();
  private readonly pending = new Map<number, { index: StatestoreIndex; resolve: (o: PublishOutcome) => void; timer: NodeJS.Timeout }>();
  private readonly activeFns: Array<(c: ActiveChange) => void> = [];
  private readonly catalogdFns: CatalogdHandler[] = [];
  private publishSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: SubscriberOptions) {
    this.now = opts.now ?? Date.now;
    this.conns = opts.statestores.map(
      (ss, i) =>
        new StatestoreConnection({
          index: (i + 1) as StatestoreIndex,
          address: ss.address,
          linkFactory: ss.linkFactory,
          buildRegister: () => this.registerRequest(),
          heartbeatTimeoutMs: opts.heartbeatTimeoutMs,
          registerTimeoutMs: this.opts.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
          backoff: opts.backoff,
          startupAttempts: opts.startupAttempts,
          now: this.now,
          handlers: {
            registered: (reply) => this.onRegistered((i + 1) as StatestoreIndex, reply),
            message: (msg) => this.onMessage(this.conns[i] as StatestoreConnection, msg),
            lost: (why) => this.onLost((i + 1) as StatestoreIndex, why),
            attemptFailed: (why, attempt) => {
              this.opts.log[why.retryable ? 'debug' : 'warn']({ statestore: i + 1, address: ss.address, attempt, code: why.code, reason: why.message }, 'registration attempt failed');
              if (why.kind === 'refused') this.tracked(this.opts.tracker.connectRefused((i + 1) as StatestoreIndex, this.now()));
            },
          },
        }),
    );
  }

  get subscriberId(): string {
    return this.opts.subscriberId;
  }

  start(): void {
    for (const c of this.conns) c.start();
    const tick = Math.max(10, Math.min(200, Math.floor(this.opts.heartbeatTimeoutMs / 10)));
    this.timer = setInterval(() => this.conns.forEach((c) => c.checkTimeout()), tick);
  }

  /** Unregisters from every statestored (so our transient entries go at once) and closes the links. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.conns.map((c) => c.stop()));
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ accepted: false, code: status.CANCELLED, message: 'subscriber stopped' });
      this.pending.delete(seq);
    }
  }

  onTopicUpdate(topicName: string, fn: (u: TopicUpdate) => void): void {
    const list = this.handlers.get(topicName) ?? [];
    list.push(fn);
    this.handlers.set(topicName, list);
  }

  onActiveChanged(fn: (c: ActiveChange) => void): void {
    this.activeFns.push(fn);
  }

  /**
   * Every designation of the active catalogd from the statestored we follow: its notifications,
   * and the one in its registration reply (only with subscribeCatalogdChange, as Impala registers
   * its UpdateCatalogd callbacks only where it subscribes). The handler does the version check.
   */
  onCatalogdNotification(fn: CatalogdHandler): void {
    this.catalogdFns.push(fn);
  }

  /** An entry this daemon owns: sent now if possible, and again whenever a statestored starts over. */
  setEntry(topicName: string, key: string, value: Uint8Array): Promise<PublishOutcome> {
    return this.changeEntries(topicName, [{ key, value }], []);
  }

  deleteEntry(topicName: string, key: string): Promise<PublishOutcome> {
    return this.changeEntries(topicName, [], [key]);
  }

  /** Several own entries of one topic changed together, published as one delta. */
  changeEntries(topicName: string, puts: ReadonlyArray<{ key: string; value: Uint8Array }>, deletes: readonly string[]): Promise<PublishOutcome> {
    const own = this.ownTopic(topicName);
    for (const p of puts) own.set(p.key, p.value);
    for (const k of deletes) own.delete(k);
    const entries = [
      ...puts.map((p) => ({ key: p.key, value: p.value, deleted: false })),
      ...deletes.map((key) => ({ key, value: new Uint8Array(), deleted: true })),
    ];
    return this.publishIfConnected([{ topicName, entries, isDelta: true }]);
  }

  /** Raw writes to the active statestored, answered by its PublishResult. */
  publish(deltas: readonly TopicDeltaData[]): Promise<PublishOutcome> {
    const conn = this.activeConnection();
    if (conn === undefined) return Promise.reject(new NotConnectedError('no active statestored is connected'));
    const seq = ++this.publishSeq;
    const timeoutMs = this.opts.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    return new Promise<PublishOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        resolve({ accepted: false, code: status.DEADLINE_EXCEEDED, message: `no answer to publish ${seq} in ${timeoutMs} ms (statestore_client_rpc_timeout_ms)` });
      }, timeoutMs);
      this.pending.set(seq, { index: conn.index, resolve, timer });
      conn.send({ kind: { $case: 'publish', value: { seq, topicUpdates: deltas.map(deltaToWire) } } });
    });
  }

  /** What each link and the tracker say, for the daemons' status pages. */
  status(): SubscriberStatus {
    const now = this.now();
    return {
      subscriberId: this.opts.subscriberId,
      active: this.opts.tracker.active(),
      activeEpoch: this.opts.tracker.highestEpoch(),
      inGracePeriod: this.opts.tracker.inGracePeriod(now),
      statestores: this.conns.map((c) => ({
        index: c.index,
        address: c.address,
        phase: c.phase,
        registrationId: c.registration?.registrationId,
        statestoreId: c.registration?.statestoreId,
        isActive: this.opts.tracker.active() === c.index,
        secsSinceHeartbeat: c.lastHeartbeatMs === undefined ? undefined : (now - c.lastHeartbeatMs) / 1000,
        registrations: c.registrations,
      })),
    };
  }

  heartbeatAgeSeconds(index: StatestoreIndex): number | undefined {
    const c = this.conns[index - 1];
    return c?.lastHeartbeatMs === undefined ? undefined : (this.now() - c.lastHeartbeatMs) / 1000;
  }

  inGracePeriod(): boolean {
    return this.opts.tracker.inGracePeriod(this.now());
  }

  // ---- down messages ------------------------------------------------------------------------

  private onRegistered(index: StatestoreIndex, reply: RegisterResponse): void {
    const { statestoreId, statestoreIsActive: isActive, activeEpoch: epoch, registrationId } = reply;
    this.opts.observer.connected(index, true);
    this.opts.observer.registered(index);
    this.opts.log.info({ statestore: index, registrationId, statestoreId, isActive, epoch }, 'registered with statestored');
    const t = this.opts.tracker.registered(index, statestoreId, isActive, epoch, this.now());
    if (t.verdict === 'stale') {
      this.opts.observer.staleEpochRejected();
      this.opts.log.warn({ statestore: index, epoch, highestEpochSeen: this.opts.tracker.highestEpoch() }, 'statestored claims active under an older epoch: not followed');
    }
    this.tracked(t);
    if (t.verdict !== 'stale') this.catalogdFromRegistration(index, reply);
  }

  /**
   * Impala (statestore-subscriber.cc, Start and RecoveryModeChecker): the registration reply of the
   * active statestored names the active catalogd, and goes to the UpdateCatalogd callbacks with
   * is_registration_reply. The statestored notifies only the subscribers it has not told, so
   * without this a (re)started coordinator knows no catalogd until the next designation.
   */
  private catalogdFromRegistration(index: StatestoreIndex, reply: RegisterResponse): void {
    const { catalogdRegistration, catalogdVersion } = reply;
    if (!this.opts.subscribeCatalogdChange || catalogdRegistration === undefined || catalogdVersion === undefined) return;
    // Only the statestored we follow speaks for the election: a standby's designation (it sends
    // none, but one that just stepped down might) must not move us to another catalogd.
    if (!reply.statestoreIsActive || this.opts.tracker.active() !== index) {
      this.opts.log.debug({ statestore: index, catalogdVersion }, 'active catalogd in the registration reply of a statestored we do not follow: ignored');
      return;
    }
    const n: CatalogdNotification = { catalogdVersion, catalogdRegistration, activeEpoch: reply.activeEpoch };
    this.opts.log.debug({ statestore: index, catalogdVersion }, 'active catalogd in the registration reply');
    for (const fn of this.catalogdFns) {
      try {
        fn(n, index, 'registration');
      } catch (err) {
        // Thrown inside the registration handling it would leave the connection half registered.
        this.opts.log.warn({ statestore: index, err: String(err) }, 'catalogd handler failed on the registration reply');
      }
    }
  }

  private onLost(index: StatestoreIndex, why: LinkClosed): void {
    this.opts.observer.connected(index, false);
    this.opts.log.warn({ statestore: index, code: why.code, reason: why.message }, 'lost statestored link');
    // No answer can come over a lost link: settle its publishes now, not at their timeout. Own
    // entries are still republished on the next full update from whichever statestored is active.
    for (const [seq, p] of this.pending) {
      if (p.index !== index) continue;
      clearTimeout(p.timer);
      this.pending.delete(seq);
      p.resolve({ accepted: false, code: status.UNAVAILABLE, message: `link to statestored ${index} lost before it answered: ${why.message}` });
    }
    this.tracked(this.opts.tracker.linkLost(index, this.now()));
  }

  private tracked(t: Tracked): void {
    if (t.change) this.activeChanged(t.change);
    // Beyond Impala: a statestored we can no longer reach at all is reported to the other one at
    // once, so a standby learns of a dead active in milliseconds instead of at its next heartbeat.
    for (const r of t.reports) {
      const other = this.conns[(r.about === 1 ? 2 : 1) - 1];
      other?.send({ kind: { $case: 'connState', value: { statestoreConnState: r.connState, highestEpochSeen: this.opts.tracker.highestEpoch() } } });
      this.opts.log.info({ about: r.about, connState: ConnState[r.connState] }, 'link report sent to the other statestored');
    }
  }

  private onMessage(conn: StatestoreConnection, msg: StatestoreMessage): void {
    const kind = msg.kind;
    if (kind === undefined) return;
    const tracker = this.opts.tracker;
    switch (kind.$case) {
      case 'heartbeat': {
        conn.heartbeatReceived();
        const { connState } = tracker.heartbeat(conn.index, kind.value.requestStatestoreConnState, this.now());
        conn.send({ kind: { $case: 'heartbeat', value: { seq: kind.value.seq, statestoreConnState: connState, highestEpochSeen: tracker.highestEpoch() } } });
        return;
      }
      case 'updateState':
        return this.onUpdate(conn, kind.value);
      case 'role': {
        const r = tracker.roleNotification(conn.index, kind.value.isActive, kind.value.activeEpoch, this.now());
        if (r.verdict === 'stale') this.opts.observer.staleEpochRejected();
        this.opts.log.info({ statestore: conn.index, epoch: kind.value.activeEpoch, isActive: kind.value.isActive, verdict: r.verdict }, 'role notification');
        conn.send({
          kind: {
            $case: 'role',
            value: { activeEpoch: kind.value.activeEpoch, skipped: r.verdict === 'skip', staleEpoch: r.verdict === 'stale', highestEpochSeen: tracker.highestEpoch() },
          },
        });
        this.tracked(r);
        return;
      }
      case 'catalogd': {
        const t = tracker.acceptFrom(conn.index, kind.value.activeEpoch, this.now());
        this.tracked(t);
        let taken = t.verdict === 'accept';
        if (taken) for (const fn of this.catalogdFns) taken = fn(kind.value, conn.index, 'notification') && taken;
        conn.send({ kind: { $case: 'catalogd', value: { catalogdVersion: kind.value.catalogdVersion, skipped: !taken } } });
        return;
      }
      case 'publishResult':
        return this.onPublishResult(kind.value);
      case 'writeRejected':
        this.opts.log.warn({ statestore: conn.index, code: kind.value.code, reason: kind.value.message }, 'statestored rejected our writes');
        return;
      case 'register':
        return;
    }
  }

  private onUpdate(conn: StatestoreConnection, update: UpdateState): void {
    const tracker = this.opts.tracker;
    const t = tracker.acceptFrom(conn.index, update.activeEpoch, this.now());
    this.tracked(t);
    const verdict = t.verdict;
    if (verdict !== 'accept') {
      if (verdict === 'stale') this.opts.observer.staleEpochRejected();
      conn.send({
        kind: { $case: 'updateState', value: { seq: update.seq, topicUpdates: [], skipped: verdict === 'skip', staleEpoch: verdict === 'stale', highestEpochSeen: tracker.highestEpoch() } },
      });
      return;
    }
    const replies: TopicDelta[] = [];
    for (const wire of update.topicDeltas) {
      const delta = deltaFromWire(wire);
      const outcome = conn.view.apply(delta);
      this.opts.log.debug(
        { statestore: conn.index, topic: delta.topicName, isDelta: delta.isDelta, from: delta.fromVersion, to: delta.toVersion, items: delta.entries.length, deletes: delta.entries.filter((e) => e.deleted).length, outcome: outcome.kind },
        'topic update',
      );
      if (outcome.kind === 'resync') {
        // Impala: answer with from_version = our version; the statestore rewinds and resends.
        this.opts.observer.resyncRequested(delta.topicName);
        replies.push(deltaToWire({ topicName: delta.topicName, entries: [], isDelta: true, fromVersion: outcome.fromVersion }));
        continue;
      }
      if (outcome.full) {
        const republish = this.republishDelta(delta.topicName);
        if (republish) replies.push(deltaToWire(republish));
      }
      const u: TopicUpdate = {
        topicName: delta.topicName,
        full: outcome.full,
        changed: outcome.changed,
        entries: conn.view.entries(delta.topicName),
        minSubscriberTopicVersion: delta.minSubscriberTopicVersion,
        fromStatestore: conn.index,
      };
      for (const fn of this.handlers.get(delta.topicName) ?? []) {
        try {
          fn(u);
        } catch (err) {
          this.opts.log.warn({ topic: delta.topicName, err: String(err) }, 'topic update handler failed');
        }
      }
    }
    conn.send({ kind: { $case: 'updateState', value: { seq: update.seq, topicUpdates: replies, skipped: false, staleEpoch: false, highestEpochSeen: tracker.highestEpoch() } } });
  }

  private onPublishResult(r: PublishResult): void {
    const p = this.pending.get(r.seq);
    if (p === undefined) return;
    this.pending.delete(r.seq);
    clearTimeout(p.timer);
    p.resolve(r.accepted ? { accepted: true } : { accepted: false, code: r.code, message: r.message });
  }

  private activeChanged(change: ActiveChange): void {
    this.opts.observer.activeChanged(change, this.now());
    this.opts.log.info({ from: change.from, to: change.to, epoch: change.epoch, failover: change.failover }, 'following statestored');
    for (const fn of this.activeFns) fn(change);
  }

  // ---- own entries --------------------------------------------------------------------------

  private republishDelta(topicName: string): TopicDeltaData | undefined {
    const topic = this.opts.topics.find((t) => t.topicName === topicName);
    const own = this.own.get(topicName);
    if (!topic?.clearOnFullUpdate && (own === undefined || own.size === 0)) return undefined;
    const delta: TopicDeltaData = {
      topicName,
      entries: [...(own ?? new Map<string, Uint8Array>())].map(([key, value]) => ({ key, value, deleted: false })),
      isDelta: true,
    };
    if (topic?.clearOnFullUpdate) delta.clearTopicEntries = true;
    return delta;
  }

  private ownTopic(topicName: string): Map<string, Uint8Array> {
    let m = this.own.get(topicName);
    if (m === undefined) {
      m = new Map();
      this.own.set(topicName, m);
    }
    return m;
  }

  private publishIfConnected(deltas: TopicDeltaData[]): Promise<PublishOutcome> {
    if (this.activeConnection() === undefined) {
      // Kept in `own`: the next full update from whichever statestored becomes active carries it.
      return Promise.resolve({ accepted: false, code: status.UNAVAILABLE, message: 'no active statestored yet; the entry is republished once one is' });
    }
    return this.publish(deltas);
  }

  private activeConnection(): StatestoreConnection | undefined {
    const active = this.opts.tracker.active();
    const conn = active === undefined ? undefined : this.conns[active - 1];
    return conn?.phase === 'registered' ? conn : undefined;
  }

  private registerRequest(): RegisterRequest {
    const req: RegisterRequest = {
      protocolVersion: CURRENT_PROTOCOL_VERSION,
      subscriberId: this.opts.subscriberId,
      subscriberLocation: this.opts.location,
      topicRegistrations: this.opts.topics.map(subscriptionToWire),
      subscriberType: this.opts.subscriberType,
      subscribeCatalogdChange: this.opts.subscribeCatalogdChange ?? false,
      highestEpochSeen: this.opts.tracker.highestEpoch(),
    };
    const cat = this.opts.catalogdRegistration?.();
    if (cat) req.catalogdRegistration = cat;
    return req;
  }
}

export interface SubscriberStatus {
  subscriberId: string;
  active: StatestoreIndex | undefined;
  activeEpoch: number;
  inGracePeriod: boolean;
  statestores: Array<{
    index: StatestoreIndex;
    address: string;
    phase: string;
    registrationId: string | undefined;
    statestoreId: string | undefined;
    isActive: boolean;
    secsSinceHeartbeat: number | undefined;
    registrations: number;
  }>;
}
