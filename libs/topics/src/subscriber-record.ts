import type { Topic } from './topic';

// What the statestored holds for one registered subscriber: Impala's Statestore::Subscriber with
// its per-topic TopicSubscriptionDetails (last_version, transient_entries_, filter_prefix).

/** What a subscriber registered for one topic (Impala's TTopicRegistration). */
export interface TopicSubscription {
  topicName: string;
  isTransient: boolean;
  populateMinSubscriberTopicVersion: boolean;
  filterPrefix?: string;
}

/** One subscribed topic as the statestored tracks it. */
export interface SubscribedTopic {
  readonly subscription: Readonly<TopicSubscription>;
  readonly prioritized: boolean;
  /** The last to_version this subscriber acknowledged; 0 until its first acknowledgement. */
  readonly lastVersion: number;
  /** Keys this subscriber wrote to a transient subscription -> the version of its write. */
  readonly transientEntries: ReadonlyMap<string, number>;
}

/** A registered subscriber's topics, as the statestored sees them (read-only view). */
export interface SubscriberTopics {
  readonly subscriberId: string;
  /** Left out of min_subscriber_topic_version (Impala: an inactive catalogd). */
  readonly excludedFromMinVersion: boolean;
  readonly topics: ReadonlyMap<string, SubscribedTopic>;
  /** The /subscribers page's num_priority_topics; num_topics is topics.size. */
  readonly numPriorityTopics: number;
  /** The /subscribers page's num_transient. */
  readonly numTransientEntries: number;
}

/** @internal mutable twin of SubscribedTopic, only TopicStore writes it. */
export interface SubscribedTopicState extends SubscribedTopic {
  readonly topic: Topic;
  lastVersion: number;
  readonly transientEntries: Map<string, number>;
}

/** @internal */
export class SubscriberRecord implements SubscriberTopics {
  readonly topics = new Map<string, SubscribedTopicState>();
  /** The same topics split by schedule, so building an update never looks at the other class. */
  readonly priority: SubscribedTopicState[] = [];
  readonly nonPriority: SubscribedTopicState[] = [];
  excludedFromMinVersion: boolean;

  constructor(readonly subscriberId: string, excluded: boolean) {
    this.excludedFromMinVersion = excluded;
  }

  get numPriorityTopics(): number {
    return this.priority.length;
  }

  get numTransientEntries(): number {
    let n = 0;
    for (const t of this.topics.values()) n += t.transientEntries.size;
    return n;
  }

  /** Adds a subscription; a second one for the same topic is ignored, as Impala's emplace does. */
  subscribe(subscription: TopicSubscription, topic: Topic): void {
    if (this.topics.has(subscription.topicName)) return;
    const state: SubscribedTopicState = {
      subscription: { ...subscription },
      prioritized: topic.prioritized,
      topic,
      lastVersion: 0,
      transientEntries: new Map(),
    };
    this.topics.set(subscription.topicName, state);
    (topic.prioritized ? this.priority : this.nonPriority).push(state);
  }
}
