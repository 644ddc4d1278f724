import { isPriorityTopic } from './priority';
import { SubscriberVersions } from './subscriber-versions';
import type { TopicDeltaData, TopicItem } from './topic-item';
import { UpdateLog } from './update-log';
import { utf8ByteLength } from './utf8-byte-length';

// One versioned topic: Impala's Statestore::Topic (be/src/statestore/statestore.cc).

interface TopicEntry {
  value: Uint8Array;
  deleted: boolean;
  version: number;
  keyBytes: number;
}

/** The fields of one row of Impala's /topics page (Statestore::TopicsHandler + Topic::ToJson). */
export interface TopicStats {
  topicName: string;
  /** Live keys. Impala's num_entries also counts tombstones: it is numEntries + numTombstones. */
  numEntries: number;
  numTombstones: number;
  /** UTF-8 bytes of every key held, tombstones included, as Impala's total_key_size_bytes_. */
  keySizeBytes: number;
  /** Bytes of every value held, tombstones' included, as Impala's total_value_size_bytes_. */
  valueSizeBytes: number;
  totalSizeBytes: number;
  /** The topic's version counter (Impala's last_version_). */
  version: number;
  /** Smallest last_version over the counted subscribers; 0 when there are none, as in Impala. */
  oldestVersion: number;
  /** The subscriber holding oldestVersion; '' when there is none. */
  oldestId: string;
  prioritized: boolean;
}

export class Topic {
  readonly prioritized: boolean;
  /**
   * The acknowledged version of every subscriber of this topic, kept by TopicStore. It lives
   * here so that stats() can fill in oldest_version/oldest_id as Impala's /topics page does.
   * @internal
   */
  readonly subscriberVersions = new SubscriberVersions();

  private readonly entries = new Map<string, TopicEntry>();
  // A rewrite updates the key's entry in place, so a record is current iff the entry still has
  // its version. (clearAllEntries drops entries and log together.)
  private readonly log = new UpdateLog<TopicEntry>((r) => r.entry.version === r.version);
  private counter = 0;
  private keyBytes = 0;
  private valueBytes = 0;
  private tombstones = 0;

  constructor(readonly name: string) {
    this.prioritized = isPriorityTopic(name);
  }

  /** The version counter: the version of the latest write, 0 when nothing was ever written. */
  get lastVersion(): number {
    return this.counter;
  }

  /**
   * The largest version still in the log, 0 when the log is empty: what buildDelta reports as
   * to_version. Equal to lastVersion except after clearAllEntries, which empties the log but
   * keeps the counter.
   */
  get toVersion(): number {
    return this.log.newestVersion;
  }

  /**
   * Topic::Put for one item: the write gets version ++last_version_ and replaces the key's
   * previous version in the log. `deleted` makes it a tombstone, which is kept (and sent in
   * deltas) until clearAllEntries. The value is copied: a decoded gRPC message hands out views
   * into its receive buffer, and keeping one would pin the whole message in memory.
   */
  put(key: string, value: Uint8Array, deleted: boolean): number {
    const version = ++this.counter;
    const old = this.entries.get(key);
    const copy = value.slice();
    let entry = old;
    if (entry === undefined) {
      const keyBytes = utf8ByteLength(key);
      entry = { value: copy, deleted, version, keyBytes };
      this.entries.set(key, entry);
      this.keyBytes += keyBytes;
    } else {
      this.valueBytes -= entry.value.byteLength;
      if (entry.deleted) this.tombstones--;
      entry.value = copy;
      entry.deleted = deleted;
      entry.version = version;
    }
    this.valueBytes += copy.byteLength;
    if (deleted) this.tombstones++;
    this.log.append(version, key, entry, old !== undefined);
    return version;
  }

  get(key: string): { value: Uint8Array; deleted: boolean; version: number } | undefined {
    const e = this.entries.get(key);
    return e === undefined ? undefined : { value: e.value, deleted: e.deleted, version: e.version };
  }

  /**
   * Topic::BuildDelta, rule for rule:
   * - a delta iff lastVersion > 0 (0 = a new subscriber, which gets the whole topic);
   * - fromVersion = lastVersion; entries with version > lastVersion, oldest first;
   * - tombstones only in a delta (a subscriber starting from nothing has nothing to delete);
   * - only keys starting with filterPrefix, so an update can be empty yet move toVersion;
   * - toVersion = largest version in the log, 0 if the log is empty.
   * Values are shared with the topic, not copied: callers must not modify them.
   */
  buildDelta(lastVersion: number, filterPrefix?: string): TopicDeltaData {
    const isDelta = lastVersion > 0;
    const entries: TopicItem[] = [];
    for (const r of this.log.since(lastVersion)) {
      const e = r.entry;
      if (!isDelta && e.deleted) continue;
      if (filterPrefix !== undefined && !r.key.startsWith(filterPrefix)) continue;
      entries.push({ key: r.key, value: e.value, deleted: e.deleted });
    }
    return { topicName: this.name, entries, isDelta, fromVersion: lastVersion, toVersion: this.log.newestVersion };
  }

  /**
   * Topic::ClearAllEntries, asked for by a subscriber's clear_topic_entries (a catalogd that
   * just became active). Drops entries and tombstones but keeps the counter, so versions never
   * repeat. Impala sends no tombstones for what was cleared: a subscriber at version v > 0 next
   * gets a delta with only the newer writes; one that acknowledged the empty log (to_version 0)
   * next gets a full update.
   */
  clearAllEntries(): void {
    this.entries.clear();
    this.log.clear();
    this.keyBytes = 0;
    this.valueBytes = 0;
    this.tombstones = 0;
  }

  /**
   * Topic::DeleteIfVersionsMatch: tombstones `key` with a new version iff its newest version is
   * still `version`, i.e. nobody overwrote it since. Used to remove a departed subscriber's
   * transient entries without deleting what another subscriber wrote over them.
   * Deviations: the tombstone drops the value (ours carry none, see common.proto; Impala keeps
   * it but no reader looks at a deleted item's value), and an entry that is already a tombstone
   * is left alone instead of being tombstoned again, which would only cost every subscriber a
   * delta that changes nothing.
   */
  deleteIfVersionsMatch(version: number, key: string): boolean {
    const e = this.entries.get(key);
    if (e === undefined || e.version !== version || e.deleted) return false;
    const newVersion = ++this.counter;
    this.valueBytes -= e.value.byteLength;
    e.value = new Uint8Array(0);
    e.deleted = true;
    e.version = newVersion;
    this.tombstones++;
    this.log.append(newVersion, key, e, true);
    return true;
  }

  stats(): TopicStats {
    const oldest = this.subscriberVersions.oldest();
    return {
      topicName: this.name,
      numEntries: this.entries.size - this.tombstones,
      numTombstones: this.tombstones,
      keySizeBytes: this.keyBytes,
      valueSizeBytes: this.valueBytes,
      totalSizeBytes: this.keyBytes + this.valueBytes,
      version: this.counter,
      oldestVersion: oldest?.version ?? 0,
      oldestId: oldest?.subscriberId ?? '',
      prioritized: this.prioritized,
    };
  }

  /** Live (non-tombstone) entries, in no particular order. For checks and debug pages. */
  *liveEntries(): IterableIterator<[string, Uint8Array]> {
    for (const [key, e] of this.entries) if (!e.deleted) yield [key, e.value];
  }
}
