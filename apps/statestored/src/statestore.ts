import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import {
  CURRENT_PROTOCOL_VERSION,
  type CatalogdNotificationResponse,
  type ConnState,
  type RoleNotificationResponse,
  type StatestoreMessage,
  type HeartbeatResponse,
  type Publish,
  type RegisterRequest,
  type UpdateStateResponse,
} from '@statestore-ha/proto';
import { deltaFromWire, deltaToWire, subscriptionFromWire } from '@statestore-ha/subscriber';
import { formatWriteProblem, isPriorityTopic, TopicStore, type TopicDeltaData } from '@statestore-ha/topics';
import type { Logger } from '@statestore-ha/daemon';
import type { CatalogdHaHooks } from './catalogd-ha-runner';
import { checkRegistration, type RegistrationRejection } from './registration-check';
import type { RoleView } from './role-view';
import { SubscriberSession, type InFlightUpdate, type SessionLink } from './subscriber-session';

export interface StatestoreOptions {
  heartbeatFrequencyMs: number;
  maxMissedHeartbeats: number;
  updateFrequencyMs: number;
  priorityUpdateFrequencyMs: number;
  maxSubscribers: number;
  /** An update unanswered this long is dropped and resent (statestore_update_tcp_timeout_seconds). */
  updateTimeoutMs: number;
  maxTopicValueBytes: number;
  enableCatalogdHa: boolean;
}

/** What the core reports; main.ts turns it into prom-client metrics. */
export interface StatestoreObserver {
  subscribersChanged(live: number): void;
  heartbeatAnswered(roundTripSeconds: number): void;
  heartbeatFailed(): void;
  topicUpdateAnswered(priority: boolean, seconds: number): void;
  registrationRejected(reason: string): void;
  topicEntriesCleared(): void;
}

export type Clock = () => number;

/** The reason a re-registration gives its predecessor; the catalogd election does not count it as a loss. */
const SUPERSEDED = 'superseded by a new registration';

/** A full round of every topic, changed or not, every this many update periods (gap detection). */
const FULL_ROUND_EVERY = 10;

/** Keys are names (table names, backend ids); anything this long is a client bug, not data. */
const MAX_TOPIC_KEY_BYTES = 64 * 1024;

export type NotificationAnswer =
  | { $case: 'role'; value: RoleNotificationResponse }
  | { $case: 'catalogd'; value: CatalogdNotificationResponse };
export type NotificationListener = (subscriberId: string, answer: NotificationAnswer) => void;

/**
 * The statestore's subscriber side: registrations, the shared heartbeat and update loops, and
 * what subscribers write back. One timer per loop for all subscribers, never one per subscriber
 * (the grpc-ceiling measurements: timers in phase hurt, unary calls do not scale).
 */
export class Statestore {
  /** Impala: a random UUID created once per process. */
  readonly statestoreId: string;
  readonly topics = new TopicStore();
  private readonly sessions = new Map<string, SubscriberSession>();
  private networkDisabled = false;
  private readonly notificationListeners: NotificationListener[] = [];
  private catalogdHa: CatalogdHaHooks | undefined;

  constructor(
    private readonly opts: StatestoreOptions,
    private readonly role: RoleView,
    private readonly observer: StatestoreObserver,
    private readonly log: Logger,
    private readonly now: Clock = Date.now,
    statestoreId: string = randomUUID(),
  ) {
    this.statestoreId = statestoreId;
  }

  get liveSubscribers(): number {
    return this.sessions.size;
  }

  subscribers(): Iterable<SubscriberSession> {
    return this.sessions.values();
  }

  setNetworkDisabled(disabled: boolean): void {
    this.networkDisabled = disabled;
    this.log.warn({ disabled }, 'statestore network debug action');
    this.role.networkDisabledChanged(disabled);
  }

  isNetworkDisabled(): boolean {
    return this.networkDisabled;
  }

  // ---- registration -------------------------------------------------------------------------

  register(req: RegisterRequest, link: SessionLink): SubscriberSession | RegistrationRejection {
    const rejection = checkRegistration(req, {
      liveSubscribers: this.sessions.size,
      maxSubscribers: this.opts.maxSubscribers,
      networkDisabled: this.networkDisabled,
      enableCatalogdHa: this.opts.enableCatalogdHa,
      isRegistered: (id) => this.sessions.has(id),
    });
    if (rejection) {
      this.observer.registrationRejected(rejection.reason);
      this.log.warn({ subscriberId: req.subscriberId, reason: rejection.reason, detail: rejection.message }, 'registration rejected');
      return rejection;
    }
    const previous = this.sessions.get(req.subscriberId);
    if (previous) {
      // Impala: re-registering the same id first unregisters the old one (its transient entries go).
      this.unregister(previous, SUPERSEDED);
      previous.link?.close(status.ABORTED, `registration ${previous.registrationId} of ${req.subscriberId} was superseded by a newer registration of the same subscriber id`);
    }
    const subs = req.topicRegistrations.map(subscriptionFromWire);
    const now = this.now();
    const session = new SubscriberSession(
      req.subscriberId,
      randomUUID(),
      req.subscriberType,
      req.subscriberLocation,
      subs.some((s) => isPriorityTopic(s.topicName)),
      subs.some((s) => !isPriorityTopic(s.topicName)),
      req.subscribeCatalogdChange,
      req.catalogdRegistration,
      now,
      // Spread first heartbeats over one interval so registrations that arrive together do not
      // heartbeat in phase forever.
      now + Math.floor(Math.random() * this.opts.heartbeatFrequencyMs),
      link,
    );
    this.topics.addSubscriber(session.subscriberId, subs);
    this.sessions.set(session.subscriberId, session);
    link.send({
      kind: {
        $case: 'register',
        value: {
          registrationId: session.registrationId,
          protocolVersion: CURRENT_PROTOCOL_VERSION,
          statestoreId: this.statestoreId,
          statestoreIsActive: this.role.isActive(),
          activeEpoch: this.role.activeEpoch(),
          ...this.catalogdHa?.registerReplyFields(),
        },
      },
    });
    this.observer.subscribersChanged(this.sessions.size);
    this.role.subscriberRegistered(session.subscriberId, req.highestEpochSeen);
    this.catalogdHa?.subscriberRegistered(session);
    this.log.info({ subscriberId: session.subscriberId, registrationId: session.registrationId, topics: subs.length, live: this.sessions.size }, 'subscriber registered');
    return session;
  }

  /** Drops a registration: its transient entries are deleted unless someone overwrote them since. */
  unregister(session: SubscriberSession, reason: string): void {
    if (this.sessions.get(session.subscriberId) !== session) return;
    this.sessions.delete(session.subscriberId);
    const removed = this.topics.removeSubscriber(session.subscriberId);
    this.observer.subscribersChanged(this.sessions.size);
    this.role.subscriberUnregistered(session.subscriberId);
    this.catalogdHa?.subscriberUnregistered(session, reason === SUPERSEDED);
    this.log.info({ subscriberId: session.subscriberId, registrationId: session.registrationId, reason, transientEntriesDeleted: removed.deleted.length, live: this.sessions.size }, 'subscriber unregistered');
  }

  /**
   * The stream of a session ended without an Unregister: the registration stays until its
   * heartbeats fail (statestore_max_missed_heartbeats), as in Impala, so a subscriber whose link
   * broke for a moment keeps its entries if it comes back in time.
   */
  linkClosed(session: SubscriberSession, link: SessionLink): void {
    if (session.link !== link) return;
    session.link = undefined;
    session.inFlight.priority = undefined;
    session.inFlight.normal = undefined;
  }

  // ---- heartbeats ---------------------------------------------------------------------------

  /** The shared heartbeat loop: called often, acts on the sessions whose deadline passed. */
  heartbeatTick(): void {
    const now = this.now();
    const freq = this.opts.heartbeatFrequencyMs;
    const askConnState = this.role.requestConnState();
    for (const s of [...this.sessions.values()]) {
      if (now < s.nextHeartbeatAtMs) continue;
      // Absolute deadlines, not accumulated intervals: a late tick does not shift the phase.
      s.nextHeartbeatAtMs += freq;
      if (s.nextHeartbeatAtMs <= now) s.nextHeartbeatAtMs = now + freq;
      // With the debug network disabled nothing is sent, so every interval is a miss, as
      // Impala's failing heartbeat RPCs are: subscribers drop off and the node can enter recovery.
      if (s.outstandingHeartbeat !== undefined || s.link === undefined || this.networkDisabled) {
        s.missedHeartbeats++;
        this.observer.heartbeatFailed();
        if (s.missedHeartbeats >= this.opts.maxMissedHeartbeats) {
          // Impala: MissedHeartbeatFailureDetector FAILED -> unregister the subscriber.
          this.unregister(s, `missed ${s.missedHeartbeats} consecutive heartbeats`);
          s.link?.close(status.UNAVAILABLE, `subscriber missed ${s.missedHeartbeats} consecutive heartbeats and was unregistered`);
          continue;
        }
      }
      if (s.link === undefined || this.networkDisabled) continue;
      const seq = ++s.heartbeatSeq;
      s.outstandingHeartbeat = { seq, sentAtMs: now };
      s.link.send({ kind: { $case: 'heartbeat', value: { seq, requestStatestoreConnState: askConnState } } });
    }
  }

  heartbeatAnswered(session: SubscriberSession, msg: HeartbeatResponse): void {
    const out = session.outstandingHeartbeat;
    // Any answer proves the subscriber alive; only the newest one closes the round trip.
    session.missedHeartbeats = 0;
    session.lastHeartbeatAckMs = this.now();
    if (out !== undefined && msg.seq === out.seq) {
      session.outstandingHeartbeat = undefined;
      this.observer.heartbeatAnswered((session.lastHeartbeatAckMs - out.sentAtMs) / 1000);
    }
    if (this.role.requestConnState()) this.role.connStateReported(session.subscriberId, msg.statestoreConnState as ConnState);
    this.checkEpoch(session, msg.highestEpochSeen);
  }

  // ---- topic updates ------------------------------------------------------------------------

  /** The shared update loop for one class (priority topics every 100 ms, the rest every 2 s). */
  updateTick(priority: boolean): void {
    if (this.networkDisabled || !this.role.isActive()) return;
    const now = this.now();
    const cls = priority ? 'priority' : 'normal';
    for (const s of this.sessions.values()) {
      if (s.link === undefined || s.congested) continue;
      if (this.catalogdHa?.receivesTopicUpdates(s) === false) continue;
      if (priority ? !s.hasPriorityTopics : !s.hasNormalTopics) continue;
      const inFlight = s.inFlight[cls];
      if (inFlight !== undefined) {
        if (now - inFlight.sentAtMs < this.opts.updateTimeoutMs) continue;
        this.log.warn({ subscriberId: s.subscriberId, seq: inFlight.seq }, 'topic update timed out, resending');
        s.inFlight[cls] = undefined;
      }
      // Impala sends a class every statestore_(priority_)update_frequency_ms. Here that interval
      // is the least spacing between two updates of the class to one subscriber, and updates are
      // change-driven (grpc-ceiling.md: no frame when nothing changed): a lone change goes out
      // at the next tick instead of waiting out the period, a burst is still batched per period.
      if (now < s.notBeforeMs[cls]) continue;
      // Every FULL_ROUND_EVERY periods all topics of the class go out, changed or not: Impala sends
      // unchanged topics every round, which is how a subscriber that missed an update notices the
      // gap on a quiet topic (its from_version answer makes us resend).
      const everything = !s.firstUpdateAcked[cls] || now >= s.nextFullRoundMs[cls];
      const changed = this.topics.hasPendingChanges(s.subscriberId, priority);
      if (!everything && !changed) continue;
      const period = priority ? this.opts.priorityUpdateFrequencyMs : this.opts.updateFrequencyMs;
      if (everything) s.nextFullRoundMs[cls] = now + FULL_ROUND_EVERY * this.opts.updateFrequencyMs;
      // Only news uses up the spacing: a gap-detection round with nothing new must not hold
      // back a change made just after it for a whole period (measured: p90 of one catalog
      // change to 3 coordinators went from ~100 ms to 1.5 s when it did).
      if (changed) s.notBeforeMs[cls] = now + period;
      const deltas = this.topics.buildUpdate(s.subscriberId, priority, everything);
      if (deltas.length === 0) continue;
      const update: InFlightUpdate = {
        seq: s.nextUpdateSeq(),
        sentAtMs: now,
        acks: deltas.map((d) => ({ topicName: d.topicName, toVersion: d.toVersion ?? 0 })),
      };
      s.inFlight[cls] = update;
      const writable = s.link.send({
        kind: { $case: 'updateState', value: { seq: update.seq, topicDeltas: deltas.map(deltaToWire), activeEpoch: this.role.activeEpoch() } },
      });
      if (!writable) this.markCongested(s);
    }
  }

  updateAnswered(session: SubscriberSession, msg: UpdateStateResponse): void {
    const cls = session.inFlight.priority?.seq === msg.seq ? 'priority' : session.inFlight.normal?.seq === msg.seq ? 'normal' : undefined;
    if (cls === undefined) {
      this.log.debug({ subscriberId: session.subscriberId, seq: msg.seq }, 'answer to an unknown or expired update ignored');
      return;
    }
    const update = session.inFlight[cls] as InFlightUpdate;
    session.inFlight[cls] = undefined;
    if (msg.staleEpoch) {
      this.checkEpoch(session, msg.highestEpochSeen);
      return;
    }
    if (msg.skipped) {
      // Impala: after a skip the next update waits twice the period (DoSubscriberUpdate).
      session.notBeforeMs[cls] = this.now() + (cls === 'priority' ? this.opts.priorityUpdateFrequencyMs : this.opts.updateFrequencyMs);
      return;
    }
    this.observer.topicUpdateAnswered(cls === 'priority', (this.now() - update.sentAtMs) / 1000);
    this.topics.acknowledge(session.subscriberId, update.acks);
    session.firstUpdateAcked[cls] = true;
    const writes = msg.topicUpdates.map(deltaFromWire);
    if (writes.length === 0) return;
    const rejected = this.applyWrites(session, writes);
    if (rejected) {
      session.link?.send({ kind: { $case: 'writeRejected', value: { updateSeq: msg.seq, code: rejected.code, message: rejected.message } } });
    }
  }

  published(session: SubscriberSession, msg: Publish): void {
    const rejected = this.applyWrites(session, msg.topicUpdates.map(deltaFromWire));
    session.link?.send({
      kind: {
        $case: 'publishResult',
        value: { seq: msg.seq, accepted: rejected === undefined, code: rejected?.code ?? status.OK, message: rejected?.message ?? '' },
      },
    });
  }

  /**
   * All of a message's writes are checked before any is applied: a bad write rejects the whole
   * message, so a subscriber never half-publishes and no other subscriber's entry is touched.
   * Pure resync requests (from_version only) always apply.
   */
  private applyWrites(session: SubscriberSession, writes: TopicDeltaData[]): { code: status; message: string } | undefined {
    const problems = this.topics.validateSubscriberWrites(session.subscriberId, writes, {
      maxKeyBytes: MAX_TOPIC_KEY_BYTES,
      maxValueBytes: this.opts.maxTopicValueBytes,
    });
    if (problems.length > 0) {
      const message = problems.map(formatWriteProblem).join('; ');
      this.log.warn({ subscriberId: session.subscriberId, problems: message }, 'subscriber writes rejected');
      const resyncs = writes.filter((w) => w.entries.length === 0 && !w.clearTopicEntries && w.fromVersion !== undefined);
      if (resyncs.length > 0) this.topics.applySubscriberWrites(session.subscriberId, resyncs);
      return { code: status.INVALID_ARGUMENT, message };
    }
    const outcome = this.topics.applySubscriberWrites(session.subscriberId, writes);
    for (let i = 0; i < outcome.cleared.length; i++) this.observer.topicEntriesCleared();
    return undefined;
  }

  /** Answers to role and catalogd notifications go to whoever sent them (the HA and catalogd HA runners). */
  onNotificationAnswer(fn: NotificationListener): void {
    this.notificationListeners.push(fn);
  }

  /** The catalogd election's say in registrations and topic updates (catalogd-ha-runner.ts). */
  setCatalogdHa(hooks: CatalogdHaHooks): void {
    this.catalogdHa = hooks;
  }

  notificationAnswered(session: SubscriberSession, answer: NotificationAnswer): void {
    if (answer.$case === 'role' && answer.value.staleEpoch) this.checkEpoch(session, answer.value.highestEpochSeen);
    for (const fn of this.notificationListeners) fn(session.subscriberId, answer);
  }

  /** Sends to one registered subscriber; false if it has no open link or its link is congested. */
  sendTo(subscriberId: string, msg: StatestoreMessage): boolean {
    const s = this.sessions.get(subscriberId);
    if (s?.link === undefined || this.networkDisabled) return false;
    return s.link.send(msg);
  }

  private markCongested(s: SubscriberSession): void {
    s.congested = true;
    s.link?.onDrain(() => {
      s.congested = false;
    });
  }

  /** Only news goes to the role machine: a subscriber that has seen a newer epoch than ours. */
  private checkEpoch(session: SubscriberSession, highestEpochSeen: number): void {
    if (highestEpochSeen > this.role.activeEpoch()) this.role.staleEpochReported(session.subscriberId, highestEpochSeen);
  }

  /**
   * This statestored just became active: every subscriber starts again from version 0 (full
   * updates), so subscribers republish and catalogd resends its catalog with
   * clear_topic_entries. Topics are not replicated between the pair (Impala §2.7), so whatever this
   * instance still holds from an earlier term is made whole again that way.
   */
  startOver(): void {
    for (const s of this.sessions.values()) {
      const topics = this.topics.subscriber(s.subscriberId);
      if (topics) this.topics.acknowledge(s.subscriberId, [...topics.topics.keys()].map((topicName) => ({ topicName, toVersion: 0 })));
      s.firstUpdateAcked.priority = false;
      s.firstUpdateAcked.normal = false;
      s.inFlight.priority = undefined;
      s.inFlight.normal = undefined;
    }
  }
}
