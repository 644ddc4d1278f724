import type { SubscriberTopics, SubscribedTopicState, TopicSubscription } from './subscriber-record';
import { SubscriberRecord } from './subscriber-record';
import { Topic } from './topic';
import type { TopicDeltaData } from './topic-item';
import type { WriteLimits, WriteProblem } from './validate-writes';
import { validateWrites } from './validate-writes';

// All topics of one statestored plus what it tracks per subscriber: the topic half of Impala's
// Statestore class (RegisterSubscriber, UnregisterSubscriber, GatherTopicUpdates,
// SendTopicUpdate's bookkeeping, GetMinSubscriberTopicVersion). Synchronous and clock-free; the
// statestored decides when to call what.

/** What removeSubscriber did to the departed subscriber's transient entries. */
export interface RemovalOutcome {
  /** False when no subscriber had that id (nothing was done). */
  removed: boolean;
  /** Transient entries turned into tombstones, with the tombstone's version. */
  deleted: Array<{ topicName: string; key: string; version: number }>;
  /** Transient entries left alone, and why. */
  kept: Array<{ topicName: string; key: string; reason: 'overwritten' | 'alreadyDeleted' | 'cleared' }>;
}

/** What applySubscriberWrites did, for logs and metrics. */
export interface WriteOutcome {
  /** True when the subscriber is not registered; then nothing was applied. */
  unknownSubscriber: boolean;
  /** Topics whose last_version was rewound to the subscriber's from_version (a resync). */
  rewound: Array<{ topicName: string; fromVersion: number }>;
  /** Topics cleared (+1 statestore.num-clear-topic-entries-requests each). */
  cleared: string[];
  /** Per topic written: how many items and the topic's version after them. */
  written: Array<{ topicName: string; entries: number; lastVersion: number }>;
  /** Deltas (or their from_version) not applied, and why. */
  ignored: Array<{ topicName: string; reason: 'unknownTopic' | 'notSubscribed' | 'badFromVersion' }>;
}

export class TopicStore {
  private readonly topicsByName = new Map<string, Topic>();
  private readonly subscribers = new Map<string, SubscriberRecord>();

  topic(name: string): Topic | undefined {
    return this.topicsByName.get(name);
  }

  /** Registration creates missing topics (Statestore::RegisterSubscriber). */
  getOrCreate(name: string): Topic {
    let t = this.topicsByName.get(name);
    if (t === undefined) {
      t = new Topic(name);
      this.topicsByName.set(name, t);
    }
    return t;
  }

  topics(): Iterable<Topic> {
    return this.topicsByName.values();
  }

  subscriberIds(): Iterable<string> {
    return this.subscribers.keys();
  }

  /**
   * Registers a subscriber with last_version 0 on every topic it subscribes to, creating missing
   * topics. Re-registering an id first removes the old registration, transient entries included,
   * as Impala does; call removeSubscriber first to learn what that removed.
   */
  addSubscriber(
    subscriberId: string,
    subs: ReadonlyArray<TopicSubscription>,
    options: { excludedFromMinVersion?: boolean } = {},
  ): SubscriberTopics {
    this.removeSubscriber(subscriberId);
    const excluded = options.excludedFromMinVersion === true;
    const record = new SubscriberRecord(subscriberId, excluded);
    for (const s of subs) {
      const topic = this.getOrCreate(s.topicName);
      if (record.topics.has(s.topicName)) continue;
      record.subscribe(s, topic);
      topic.subscriberVersions.add(subscriberId, 0, excluded);
    }
    this.subscribers.set(subscriberId, record);
    return record;
  }

  /**
   * Unregisters a subscriber. Each transient entry it wrote becomes a tombstone unless someone
   * wrote the key since (Subscriber::DeleteAllTransientEntries -> Topic::DeleteIfVersionsMatch):
   * a restarted impalad that already re-published its membership entry must not lose it to the
   * cleanup of its previous registration.
   */
  removeSubscriber(subscriberId: string): RemovalOutcome {
    const outcome: RemovalOutcome = { removed: false, deleted: [], kept: [] };
    const record = this.subscribers.get(subscriberId);
    if (record === undefined) return outcome;
    this.subscribers.delete(subscriberId);
    outcome.removed = true;
    for (const st of record.topics.values()) {
      const topic = st.topic;
      topic.subscriberVersions.remove(subscriberId);
      for (const [key, version] of st.transientEntries) {
        const current = topic.get(key);
        if (topic.deleteIfVersionsMatch(version, key)) {
          outcome.deleted.push({ topicName: topic.name, key, version: topic.lastVersion });
        } else {
          const reason = current === undefined ? 'cleared' : current.version !== version ? 'overwritten' : 'alreadyDeleted';
          outcome.kept.push({ topicName: topic.name, key, reason });
        }
      }
    }
    return outcome;
  }

  subscriber(subscriberId: string): SubscriberTopics | undefined {
    return this.subscribers.get(subscriberId);
  }

  /**
   * The update for one subscriber (Statestore::GatherTopicUpdates): a delta per subscribed topic
   * of the given class whose to_version differs from the subscriber's last_version, or every one
   * with `includeUnchanged`. Impala sends every topic every time; skipping unchanged ones is what
   * lets 10,000 subscribers be polled every 100 ms, and loses nothing: an unchanged topic's delta
   * is empty and would leave last_version where it is. The first update after registration must
   * be sent with `includeUnchanged`, so the subscriber learns to_version even of an empty topic.
   * Send `includeUnchanged` now and then afterwards too (anti-entropy): a subscriber whose view
   * has a gap (the statestored counted an update it never applied) finds out only from an update
   * of that topic, and on a topic nobody writes any more only an unchanged one comes. Impala,
   * which sends every topic every time, finds such a gap within one period.
   * Unknown subscriber: [].
   */
  buildUpdate(subscriberId: string, priority: boolean, includeUnchanged: boolean): TopicDeltaData[] {
    const record = this.subscribers.get(subscriberId);
    if (record === undefined) return [];
    const out: TopicDeltaData[] = [];
    for (const st of priority ? record.priority : record.nonPriority) {
      if (!includeUnchanged && !isPending(st)) continue;
      const delta = st.topic.buildDelta(st.lastVersion, st.subscription.filterPrefix);
      if (st.subscription.populateMinSubscriberTopicVersion) {
        // GetMinSubscriberTopicVersion returns TOPIC_INITIAL_VERSION (0) when nobody counts.
        delta.minSubscriberTopicVersion = st.topic.subscriberVersions.min() ?? 0;
      }
      out.push(delta);
    }
    return out;
  }

  /**
   * Any subscribed topic of that class with news for this subscriber. O(its topics of that
   * class), no log access. "Differs", not "is greater": clear_topic_entries drops to_version to
   * 0 and a resync can move last_version anywhere, and both must still reach the subscriber.
   */
  hasPendingChanges(subscriberId: string, priority: boolean): boolean {
    const record = this.subscribers.get(subscriberId);
    if (record === undefined) return false;
    for (const st of priority ? record.priority : record.nonPriority) if (isPending(st)) return true;
    return false;
  }

  /**
   * After an OK, not skipped, UpdateState: last_version = to_version for each topic sent
   * (Statestore::SendTopicUpdate). Topics the subscriber does not have are ignored.
   */
  acknowledge(subscriberId: string, acked: ReadonlyArray<{ topicName: string; toVersion: number }>): void {
    const record = this.subscribers.get(subscriberId);
    if (record === undefined) return;
    for (const a of acked) {
      const st = record.topics.get(a.topicName);
      if (st === undefined || !Number.isSafeInteger(a.toVersion) || a.toVersion < 0) continue;
      this.setLastVersion(subscriberId, st, a.toVersion);
    }
  }

  /**
   * Applies a subscriber's writes in Impala's order, delta by delta (Statestore::SendTopicUpdate):
   * 1. from_version rewinds last_version, so the next update starts where the subscriber is;
   * 2. clear_topic_entries clears the topic (keeping its counter);
   * 3. the entries are put, and for a transient subscription key -> version is recorded.
   * Unknown topics are skipped (Impala: "Received update for unexpected topic"), and so are
   * topics the subscriber did not register (Impala DCHECKs against it). Never throws; checking
   * limits is validateWrites' job, which the statestored runs first.
   */
  applySubscriberWrites(subscriberId: string, deltas: ReadonlyArray<TopicDeltaData>): WriteOutcome {
    const outcome: WriteOutcome = { unknownSubscriber: false, rewound: [], cleared: [], written: [], ignored: [] };
    const record = this.subscribers.get(subscriberId);
    if (record === undefined) {
      // Impala still applies the writes and deletes the transient ones at once. Without the
      // record we cannot tell transient from durable, so we drop all: the subscriber registers
      // again, gets a full update, and republishes (a full update means "republish", §1.5).
      outcome.unknownSubscriber = true;
      return outcome;
    }
    for (const d of deltas) {
      const topicName = d.topicName;
      const topic = this.topicsByName.get(topicName);
      if (topic === undefined) {
        outcome.ignored.push({ topicName, reason: 'unknownTopic' });
        continue;
      }
      const st = record.topics.get(topicName);
      if (st === undefined) {
        outcome.ignored.push({ topicName, reason: 'notSubscribed' });
        continue;
      }
      if (d.fromVersion !== undefined) {
        if (Number.isSafeInteger(d.fromVersion) && d.fromVersion >= 0) {
          this.setLastVersion(subscriberId, st, d.fromVersion);
          outcome.rewound.push({ topicName, fromVersion: d.fromVersion });
        } else {
          outcome.ignored.push({ topicName, reason: 'badFromVersion' });
        }
      }
      if (d.clearTopicEntries === true) {
        topic.clearAllEntries();
        outcome.cleared.push(topicName);
      }
      const entries = d.entries ?? [];
      if (entries.length === 0) continue;
      for (const e of entries) {
        const version = topic.put(e.key, e.value ?? EMPTY, e.deleted === true);
        if (st.subscription.isTransient) st.transientEntries.set(e.key, version);
      }
      outcome.written.push({ topicName, entries: entries.length, lastVersion: topic.lastVersion });
    }
    return outcome;
  }

  /**
   * validateWrites with the subscriber's own registrations as the writable topics: the check to
   * run before applySubscriberWrites. An unknown subscriber may write nowhere.
   */
  validateSubscriberWrites(subscriberId: string, deltas: ReadonlyArray<TopicDeltaData>, limits: WriteLimits): WriteProblem[] {
    const record = this.subscribers.get(subscriberId);
    return validateWrites(deltas, limits, (name) => record?.topics.has(name) === true);
  }

  /**
   * Smallest last_version over the topic's subscribers, skipping those excluded (Impala skips an
   * inactive catalogd, which does not apply the active one's catalog updates). Undefined for an
   * unknown topic or when no subscriber counts; buildUpdate then sends 0, as Impala does.
   */
  minSubscriberTopicVersion(topicName: string): number | undefined {
    return this.topicsByName.get(topicName)?.subscriberVersions.min();
  }

  setExcludedFromMinVersion(subscriberId: string, excluded: boolean): void {
    const record = this.subscribers.get(subscriberId);
    if (record === undefined) return;
    record.excludedFromMinVersion = excluded;
    for (const st of record.topics.values()) st.topic.subscriberVersions.setExcluded(subscriberId, excluded);
  }

  private setLastVersion(subscriberId: string, st: SubscribedTopicState, version: number): void {
    st.lastVersion = version;
    st.topic.subscriberVersions.setVersion(subscriberId, version);
  }
}

const EMPTY = new Uint8Array(0);

function isPending(st: SubscribedTopicState): boolean {
  return st.topic.toVersion !== st.lastVersion;
}
