import type { TopicDeltaData, TopicItem } from './topic-item';

// The subscriber's side of the version protocol: StatestoreSubscriber::UpdateState's checks
// (be/src/statestore/statestore-subscriber.cc), plus the topic's entries as the subscriber
// currently knows them, so daemons read membership and catalog state from one place.

/** Impala's current_topic_version before the first update of a registration. */
const NO_VERSION = -1;

export type ViewApplyOutcome =
  | {
      kind: 'applied';
      topicName: string;
      /** True for a non-delta update: the whole topic, which replaced what the view held. */
      full: boolean;
      /**
       * What changed in the view: every entry set, and a tombstone (deleted, empty value) for
       * every key removed, whether by a tombstone in a delta or by a full update that no
       * longer has it. Tombstones for keys the view did not have are left out.
       */
      changed: TopicItem[];
      /** The view's version now (the update's to_version). */
      version: number;
    }
  | {
      kind: 'resync';
      topicName: string;
      /** The version the view is at; send it back as from_version (see resyncRequest). */
      fromVersion: number;
    };

interface TopicState {
  version: number;
  entries: Map<string, Uint8Array>;
}

export class TopicView {
  private readonly topics = new Map<string, TopicState>();

  /** Impala's current_topic_version: -1 until the first update (and after reset). */
  currentVersion(topicName: string): number {
    return this.topics.get(topicName)?.version ?? NO_VERSION;
  }

  /**
   * One topic's part of an UpdateState. A delta that does not start where the view is
   * (is_delta && current != -1 && from_version != current) is not applied: the subscriber
   * answers with resyncRequest and the statestored resends from there. Otherwise the update is
   * applied (a non-delta one replaces everything) and the view moves to to_version. A missing
   * from_version/to_version reads as 0, as an unset Thrift i64 does in Impala.
   */
  apply(delta: TopicDeltaData): ViewApplyOutcome {
    const topicName = delta.topicName;
    const current = this.currentVersion(topicName);
    const fromVersion = delta.fromVersion ?? 0;
    if (delta.isDelta && current !== NO_VERSION && fromVersion !== current) {
      return { kind: 'resync', topicName, fromVersion: current };
    }
    let state = this.topics.get(topicName);
    if (state === undefined) {
      state = { version: NO_VERSION, entries: new Map() };
      this.topics.set(topicName, state);
    }
    const changed = delta.isDelta ? applyDelta(state.entries, delta.entries) : replaceAll(state.entries, delta.entries);
    state.version = delta.toVersion ?? 0;
    return { kind: 'applied', topicName, full: !delta.isDelta, changed, version: state.version };
  }

  /** The live entries of a topic; empty for a topic never updated. */
  entries(topicName: string): ReadonlyMap<string, Uint8Array> {
    return this.topics.get(topicName)?.entries ?? EMPTY_ENTRIES;
  }

  /**
   * After a reconnect or failover: every topic back to -1, so no delta is applied on top of a
   * version from the previous registration. The entries are kept until the new registration's
   * first (full) update replaces them: dropping them now would empty membership in the gap,
   * which Impala's statestore_subscriber_recovery_grace_period_ms exists to prevent.
   */
  reset(): void {
    for (const state of this.topics.values()) state.version = NO_VERSION;
  }
}

/**
 * The reply that asks the statestored to resend from `fromVersion`: Impala's
 * TTopicDelta{topic_name, from_version=current} with nothing else set.
 */
export function resyncRequest(topicName: string, fromVersion: number): TopicDeltaData {
  return { topicName, entries: [], isDelta: false, fromVersion };
}

const EMPTY_ENTRIES: ReadonlyMap<string, Uint8Array> = new Map();
const EMPTY_VALUE = new Uint8Array(0);

function applyDelta(entries: Map<string, Uint8Array>, items: ReadonlyArray<TopicItem>): TopicItem[] {
  const changed: TopicItem[] = [];
  for (const item of items) {
    if (item.deleted) {
      if (entries.delete(item.key)) changed.push({ key: item.key, value: EMPTY_VALUE, deleted: true });
    } else {
      const value = item.value.slice(); // see replaceAll
      entries.set(item.key, value);
      changed.push({ key: item.key, value, deleted: false });
    }
  }
  return changed;
}

function replaceAll(entries: Map<string, Uint8Array>, items: ReadonlyArray<TopicItem>): TopicItem[] {
  const previous = new Map(entries);
  entries.clear();
  const changed: TopicItem[] = [];
  for (const item of items) {
    // A full update has no tombstones (Topic::BuildDelta leaves them out); one that slipped in
    // still means "not there".
    if (item.deleted) continue;
    // Copied: the decoded update's values are views into its receive buffer, which would
    // otherwise stay in memory as long as any one entry does.
    const value = item.value.slice();
    entries.set(item.key, value);
    previous.delete(item.key);
    changed.push({ key: item.key, value, deleted: false });
  }
  // What is left of the previous entries is what the full update no longer has.
  for (const key of previous.keys()) changed.push({ key, value: EMPTY_VALUE, deleted: true });
  return changed;
}
