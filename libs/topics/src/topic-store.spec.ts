import type { TopicDeltaData, TopicItem } from './topic-item';
import { TopicStore } from './topic-store';
import type { TopicSubscription } from './subscriber-record';
import { TopicView, resyncRequest } from './topic-view';

const enc = new TextEncoder();
const dec = new TextDecoder();
const item = (key: string, value: string, deleted = false): TopicItem => ({ key, value: enc.encode(value), deleted });
const write = (topicName: string, ...entries: TopicItem[]): TopicDeltaData => ({ topicName, isDelta: true, entries });
const sub = (topicName: string, over: Partial<TopicSubscription> = {}): TopicSubscription => ({
  topicName,
  isTransient: false,
  populateMinSubscriberTopicVersion: false,
  ...over,
});
const show = (d: TopicDeltaData): string =>
  `${d.topicName} ${d.isDelta ? 'delta' : 'full'} (${String(d.fromVersion)},${String(d.toVersion)}] ` +
  `[${d.entries.map((e) => (e.deleted ? `-${e.key}` : `${e.key}=${dec.decode(e.value)}`)).join(' ')}]` +
  (d.minSubscriberTopicVersion === undefined ? '' : ` min=${d.minSubscriberTopicVersion}`);

const MEMBERSHIP = 'impala-membership';
const CATALOG = 'catalog-update';

/** An impalad as Impala registers it: membership transient, catalog with min version and prefix. */
function impalad(store: TopicStore, id: string): void {
  store.addSubscriber(id, [
    sub(MEMBERSHIP, { isTransient: true }),
    sub(CATALOG, { isTransient: true, populateMinSubscriberTopicVersion: true, filterPrefix: '1:' }),
  ]);
}

/** Sends the update and acknowledges it, as the statestored does after an OK, not skipped reply. */
function deliver(store: TopicStore, id: string, priority: boolean, includeUnchanged = false): string[] {
  const update = store.buildUpdate(id, priority, includeUnchanged);
  store.acknowledge(id, update.map((d) => ({ topicName: d.topicName, toVersion: d.toVersion ?? 0 })));
  return update.map(show);
}

describe('TopicStore', () => {
  describe('registration', () => {
    it('creates the topics a subscriber registers, with last_version 0 on each', () => {
      const store = new TopicStore();
      impalad(store, 'impalad@h1');
      expect([...store.topics()].map((t) => t.name)).toEqual([MEMBERSHIP, CATALOG]);
      const s = store.subscriber('impalad@h1');
      expect(s?.topics.get(MEMBERSHIP)?.lastVersion).toBe(0);
      expect(s?.topics.get(CATALOG)?.lastVersion).toBe(0);
      expect(s?.numPriorityTopics).toBe(1);
      expect([...store.subscriberIds()]).toEqual(['impalad@h1']);
    });

    it('reuses existing topics', () => {
      const store = new TopicStore();
      const t = store.getOrCreate(CATALOG);
      t.put('1:db', enc.encode('v'), false);
      impalad(store, 'impalad@h1');
      expect(store.topic(CATALOG)).toBe(t);
      expect(store.topic('nope')).toBeUndefined();
    });

    it('re-registering an id drops the old registration and its transient entries first', () => {
      const store = new TopicStore();
      impalad(store, 'impalad@h1');
      store.applySubscriberWrites('impalad@h1', [write(MEMBERSHIP, item('impalad@h1', 'old'))]);
      deliver(store, 'impalad@h1', true);
      impalad(store, 'impalad@h1');
      expect(store.topic(MEMBERSHIP)?.get('impalad@h1')).toMatchObject({ deleted: true });
      expect(store.subscriber('impalad@h1')?.topics.get(MEMBERSHIP)?.lastVersion).toBe(0);
      expect(store.subscriber('impalad@h1')?.numTransientEntries).toBe(0);
    });
  });

  describe('buildUpdate and acknowledge', () => {
    it('sends every topic of the class on the first update, even empty ones, from version 0', () => {
      const store = new TopicStore();
      impalad(store, 'impalad@h1');
      expect(deliver(store, 'impalad@h1', true, true)).toEqual([`${MEMBERSHIP} full (0,0] []`]);
      expect(deliver(store, 'impalad@h1', false, true)).toEqual([`${CATALOG} full (0,0] [] min=0`]);
    });

    it('sends only topics that changed since the acknowledged version, as deltas', () => {
      const store = new TopicStore();
      impalad(store, 'a');
      impalad(store, 'b');
      store.applySubscriberWrites('b', [write(MEMBERSHIP, item('b', 'desc-b'))]);
      expect(deliver(store, 'a', true)).toEqual([`${MEMBERSHIP} full (0,1] [b=desc-b]`]);
      expect(deliver(store, 'a', true)).toEqual([]);
      expect(deliver(store, 'a', false)).toEqual([]); // catalog never moved from 0
      store.applySubscriberWrites('a', [write(MEMBERSHIP, item('a', 'desc-a'))]);
      expect(deliver(store, 'a', true)).toEqual([`${MEMBERSHIP} delta (1,2] [a=desc-a]`]);
    });

    it('resends the same range until it is acknowledged', () => {
      const store = new TopicStore();
      impalad(store, 'a');
      store.applySubscriberWrites('a', [write(MEMBERSHIP, item('a', '1'))]);
      deliver(store, 'a', true);
      store.applySubscriberWrites('a', [write(MEMBERSHIP, item('x', '2'))]);
      const first = store.buildUpdate('a', true, false).map(show); // lost or skipped: no acknowledge
      expect(store.buildUpdate('a', true, false).map(show)).toEqual(first);
      expect(first).toEqual([`${MEMBERSHIP} delta (1,2] [x=2]`]);
    });

    it("applies each subscription's filter prefix and still moves to_version", () => {
      const store = new TopicStore();
      impalad(store, 'coord'); // prefix '1:'
      store.addSubscriber('catalogd', [sub(CATALOG)]);
      store.applySubscriberWrites('catalogd', [write(CATALOG, item('1:db', 'v1'), item('2:db', 'v2'))]);
      expect(deliver(store, 'coord', false)).toEqual([`${CATALOG} full (0,2] [1:db=v1] min=0`]);
      store.applySubscriberWrites('catalogd', [write(CATALOG, item('2:db', 'v3'))]);
      expect(deliver(store, 'coord', false)).toEqual([`${CATALOG} delta (2,3] [] min=0`]);
      expect(store.subscriber('coord')?.topics.get(CATALOG)?.lastVersion).toBe(3);
    });

    it('keeps priority and normal topics on their own schedules', () => {
      const store = new TopicStore();
      impalad(store, 'a');
      store.applySubscriberWrites('a', [write(MEMBERSHIP, item('a', '1'))]);
      expect(store.hasPendingChanges('a', true)).toBe(true);
      expect(store.hasPendingChanges('a', false)).toBe(false);
      expect(store.buildUpdate('a', false, false)).toEqual([]);
    });

    it('ignores acknowledgements for unknown subscribers, unknown topics and non-versions', () => {
      const store = new TopicStore();
      impalad(store, 'a');
      store.acknowledge('ghost', [{ topicName: MEMBERSHIP, toVersion: 4 }]);
      store.acknowledge('a', [{ topicName: 'other', toVersion: 4 }, { topicName: MEMBERSHIP, toVersion: Number.NaN }, { topicName: CATALOG, toVersion: -2 }]);
      expect(store.subscriber('a')?.topics.get(MEMBERSHIP)?.lastVersion).toBe(0);
      expect(store.subscriber('a')?.topics.get(CATALOG)?.lastVersion).toBe(0);
      expect(store.buildUpdate('ghost', true, true)).toEqual([]);
      expect(store.hasPendingChanges('ghost', true)).toBe(false);
    });

    it('finds a gap on a quiet topic only through an includeUnchanged update', () => {
      const store = new TopicStore();
      impalad(store, 'a');
      const view = new TopicView();
      const roundTrip = (includeUnchanged: boolean, apply: boolean): void => {
        const update = store.buildUpdate('a', true, includeUnchanged);
        const replies: TopicDeltaData[] = [];
        for (const d of update) {
          const out = apply ? view.apply(d) : undefined;
          if (out?.kind === 'resync') replies.push(resyncRequest(out.topicName, out.fromVersion));
        }
        store.acknowledge('a', update.map((d) => ({ topicName: d.topicName, toVersion: d.toVersion ?? 0 })));
        store.applySubscriberWrites('a', replies);
      };
      store.applySubscriberWrites('a', [write(MEMBERSHIP, item('k1', '1'))]);
      roundTrip(true, true);
      store.applySubscriberWrites('a', [write(MEMBERSHIP, item('k2', '2'))]);
      roundTrip(false, false); // counted as delivered, never applied: the view has a gap
      roundTrip(false, true);
      expect([...view.entries(MEMBERSHIP).keys()]).toEqual(['k1']); // nothing was sent to reveal it
      roundTrip(true, true); // empty delta (2,2] meets a view at 1: resync from 1
      roundTrip(false, true);
      expect([...view.entries(MEMBERSHIP).keys()]).toEqual(['k1', 'k2']);
    });

    it('does not read the topic log when nothing changed', () => {
      const store = new TopicStore();
      impalad(store, 'a');
      store.applySubscriberWrites('a', [write(MEMBERSHIP, item('a', '1'))]);
      deliver(store, 'a', true);
      const topic = store.topic(MEMBERSHIP);
      if (topic === undefined) throw new Error('topic missing');
      const buildDelta = jest.spyOn(topic, 'buildDelta');
      expect(store.hasPendingChanges('a', true)).toBe(false);
      expect(store.buildUpdate('a', true, false)).toEqual([]);
      expect(buildDelta).not.toHaveBeenCalled();
    });
  });

  describe('applySubscriberWrites', () => {
    it("rewinds last_version to a resync request's from_version", () => {
      const store = new TopicStore();
      impalad(store, 'a');
      store.applySubscriberWrites('a', [write(MEMBERSHIP, item('k1', '1'), item('k2', '2'), item('k3', '3'))]);
      deliver(store, 'a', true);
      const out = store.applySubscriberWrites('a', [{ topicName: MEMBERSHIP, entries: [], isDelta: false, fromVersion: 1 }]);
      expect(out.rewound).toEqual([{ topicName: MEMBERSHIP, fromVersion: 1 }]);
      expect(store.hasPendingChanges('a', true)).toBe(true);
      expect(deliver(store, 'a', true)).toEqual([`${MEMBERSHIP} delta (1,3] [k2=2 k3=3]`]);
    });

    it('clears the topic and keeps its counter, then puts the entries of the same delta', () => {
      const store = new TopicStore();
      store.addSubscriber('catalogd', [sub(CATALOG)]);
      store.applySubscriberWrites('catalogd', [write(CATALOG, item('1:old', 'x'), item('1:gone', 'y'))]);
      const out = store.applySubscriberWrites('catalogd', [{ ...write(CATALOG, item('1:new', 'z')), clearTopicEntries: true }]);
      expect(out.cleared).toEqual([CATALOG]);
      expect(out.written).toEqual([{ topicName: CATALOG, entries: 1, lastVersion: 3 }]);
      const t = store.topic(CATALOG);
      expect(t?.get('1:old')).toBeUndefined();
      expect(t?.get('1:new')).toMatchObject({ version: 3 });
      expect(t?.stats()).toMatchObject({ numEntries: 1, version: 3 });
    });

    it('tells a subscriber about a clear with nothing written after it (to_version drops to 0)', () => {
      const store = new TopicStore();
      store.addSubscriber('catalogd', [sub(CATALOG)]);
      impalad(store, 'coord');
      store.applySubscriberWrites('catalogd', [write(CATALOG, item('1:db', 'x'))]);
      deliver(store, 'coord', false);
      store.applySubscriberWrites('catalogd', [{ ...write(CATALOG), clearTopicEntries: true }]);
      expect(store.hasPendingChanges('coord', false)).toBe(true);
      expect(deliver(store, 'coord', false)).toEqual([`${CATALOG} delta (1,0] [] min=0`]);
      store.applySubscriberWrites('catalogd', [write(CATALOG, item('1:db2', 'y'))]);
      expect(deliver(store, 'coord', false)).toEqual([`${CATALOG} full (0,2] [1:db2=y] min=0`]);
    });

    it('applies from_version, then clear, then puts, in that order within one delta', () => {
      const store = new TopicStore();
      store.addSubscriber('catalogd', [sub(CATALOG)]);
      store.applySubscriberWrites('catalogd', [write(CATALOG, item('a', '1'))]);
      deliver(store, 'catalogd', false);
      // Impala DCHECKs against from_version with clear, but applies both if they come.
      const out = store.applySubscriberWrites('catalogd', [{ topicName: CATALOG, isDelta: true, entries: [item('b', '2')], fromVersion: 0, clearTopicEntries: true }]);
      expect(out).toEqual({
        unknownSubscriber: false,
        rewound: [{ topicName: CATALOG, fromVersion: 0 }],
        cleared: [CATALOG],
        written: [{ topicName: CATALOG, entries: 1, lastVersion: 2 }],
        ignored: [],
      });
      expect(deliver(store, 'catalogd', false)).toEqual([`${CATALOG} full (0,2] [b=2]`]);
    });

    it('records key -> version only for transient subscriptions', () => {
      const store = new TopicStore();
      store.addSubscriber('s', [sub(MEMBERSHIP, { isTransient: true }), sub(CATALOG)]);
      store.applySubscriberWrites('s', [write(MEMBERSHIP, item('m', '1')), write(CATALOG, item('c', '2')), write(MEMBERSHIP, item('m', '3'))]);
      expect([...(store.subscriber('s')?.topics.get(MEMBERSHIP)?.transientEntries ?? [])]).toEqual([['m', 2]]); // versions count per topic
      expect(store.subscriber('s')?.topics.get(CATALOG)?.transientEntries.size).toBe(0);
    });

    it('skips unknown topics, unsubscribed topics and bad from_versions, and reports them', () => {
      const store = new TopicStore();
      store.addSubscriber('s', [sub(MEMBERSHIP)]);
      store.addSubscriber('other', [sub(CATALOG)]);
      const out = store.applySubscriberWrites('s', [
        write('no-such-topic', item('k', 'v')),
        write(CATALOG, item('k', 'v')),
        { ...write(MEMBERSHIP, item('k', 'v')), fromVersion: -3 },
      ]);
      expect(out.ignored).toEqual([
        { topicName: 'no-such-topic', reason: 'unknownTopic' },
        { topicName: CATALOG, reason: 'notSubscribed' },
        { topicName: MEMBERSHIP, reason: 'badFromVersion' },
      ]);
      expect(store.topic('no-such-topic')).toBeUndefined();
      expect(store.topic(CATALOG)?.lastVersion).toBe(0);
      expect(out.written).toEqual([{ topicName: MEMBERSHIP, entries: 1, lastVersion: 1 }]);
      expect(out.rewound).toEqual([]);
    });

    it('applies nothing for an unknown subscriber', () => {
      const store = new TopicStore();
      store.getOrCreate(MEMBERSHIP);
      expect(store.applySubscriberWrites('ghost', [write(MEMBERSHIP, item('k', 'v'))])).toEqual({
        unknownSubscriber: true,
        rewound: [],
        cleared: [],
        written: [],
        ignored: [],
      });
      expect(store.topic(MEMBERSHIP)?.lastVersion).toBe(0);
    });

    it('does not throw on malformed input', () => {
      const store = new TopicStore();
      store.addSubscriber('s', [sub(MEMBERSHIP)]);
      const junk = [{ topicName: MEMBERSHIP, isDelta: true }, { topicName: MEMBERSHIP, isDelta: true, entries: [{ key: 'k' }] }] as unknown as TopicDeltaData[];
      expect(() => store.applySubscriberWrites('s', junk)).not.toThrow();
      expect(store.topic(MEMBERSHIP)?.get('k')).toEqual({ value: new Uint8Array(0), deleted: false, version: 1 });
    });
  });

  describe('removeSubscriber (transient cleanup)', () => {
    it('tombstones the transient entries it wrote', () => {
      const store = new TopicStore();
      impalad(store, 'a');
      impalad(store, 'b');
      store.applySubscriberWrites('a', [write(MEMBERSHIP, item('impalad@a', 'desc'))]);
      deliver(store, 'b', true);
      const out = store.removeSubscriber('a');
      expect(out).toEqual({ removed: true, deleted: [{ topicName: MEMBERSHIP, key: 'impalad@a', version: 2 }], kept: [] });
      expect(store.subscriber('a')).toBeUndefined();
      expect(deliver(store, 'b', true)).toEqual([`${MEMBERSHIP} delta (1,2] [-impalad@a]`]);
    });

    it('keeps a transient entry someone overwrote since', () => {
      const store = new TopicStore();
      impalad(store, 'old-registration');
      impalad(store, 'other');
      store.applySubscriberWrites('old-registration', [write(MEMBERSHIP, item('shared', 'mine'))]);
      store.applySubscriberWrites('other', [write(MEMBERSHIP, item('shared', 'theirs'))]);
      const out = store.removeSubscriber('old-registration');
      expect(out).toEqual({ removed: true, deleted: [], kept: [{ topicName: MEMBERSHIP, key: 'shared', reason: 'overwritten' }] });
      expect(store.topic(MEMBERSHIP)?.get('shared')).toMatchObject({ deleted: false, version: 2 });
    });

    it('says why other entries stayed: already deleted by the subscriber, or cleared', () => {
      const store = new TopicStore();
      store.addSubscriber('s', [sub(MEMBERSHIP, { isTransient: true }), sub(CATALOG, { isTransient: true })]);
      store.applySubscriberWrites('s', [write(MEMBERSHIP, item('m', '1')), write(MEMBERSHIP, item('m', '', true)), write(CATALOG, item('c', '1'))]);
      store.topic(CATALOG)?.clearAllEntries();
      const out = store.removeSubscriber('s');
      expect(out.deleted).toEqual([]);
      expect(out.kept).toEqual([
        { topicName: MEMBERSHIP, key: 'm', reason: 'alreadyDeleted' },
        { topicName: CATALOG, key: 'c', reason: 'cleared' },
      ]);
    });

    it('leaves non-transient entries in place', () => {
      const store = new TopicStore();
      store.addSubscriber('catalogd', [sub(CATALOG)]);
      store.applySubscriberWrites('catalogd', [write(CATALOG, item('1:db', 'v'))]);
      expect(store.removeSubscriber('catalogd')).toEqual({ removed: true, deleted: [], kept: [] });
      expect(store.topic(CATALOG)?.get('1:db')).toMatchObject({ deleted: false });
    });

    it('reports nothing removed for an unknown id', () => {
      expect(new TopicStore().removeSubscriber('ghost')).toEqual({ removed: false, deleted: [], kept: [] });
    });
  });

  describe('min_subscriber_topic_version', () => {
    it('is the smallest acknowledged version over the subscribers, skipping an excluded one', () => {
      const store = new TopicStore();
      store.addSubscriber('catalogd-active', [sub(CATALOG)]);
      store.addSubscriber('catalogd-standby', [sub(CATALOG)], { excludedFromMinVersion: true });
      impalad(store, 'coord1');
      impalad(store, 'coord2');
      store.applySubscriberWrites('catalogd-active', [write(CATALOG, item('1:a', 'x'), item('1:b', 'y'))]);
      deliver(store, 'catalogd-active', false);
      deliver(store, 'coord1', false);
      expect(store.minSubscriberTopicVersion(CATALOG)).toBe(0); // coord2 still at 0
      deliver(store, 'coord2', false);
      expect(store.minSubscriberTopicVersion(CATALOG)).toBe(2); // the standby, at 0, does not count
      store.setExcludedFromMinVersion('catalogd-standby', false);
      expect(store.minSubscriberTopicVersion(CATALOG)).toBe(0);
      expect(store.subscriber('catalogd-standby')?.excludedFromMinVersion).toBe(false);
      store.setExcludedFromMinVersion('catalogd-standby', true);
      store.applySubscriberWrites('catalogd-active', [write(CATALOG, item('1:c', 'z'))]);
      expect(deliver(store, 'coord1', false)).toEqual([`${CATALOG} delta (2,3] [1:c=z] min=2`]);
      expect(store.minSubscriberTopicVersion(CATALOG)).toBe(2);
      expect(store.topic(CATALOG)?.stats()).toMatchObject({ oldestVersion: 2, oldestId: 'catalogd-active' });
    });

    it('is sent only to subscriptions that asked for it', () => {
      const store = new TopicStore();
      store.addSubscriber('catalogd', [sub(CATALOG)]);
      impalad(store, 'coord');
      expect(deliver(store, 'catalogd', false, true)).toEqual([`${CATALOG} full (0,0] []`]);
      expect(deliver(store, 'coord', false, true)).toEqual([`${CATALOG} full (0,0] [] min=0`]);
    });

    it('is undefined for an unknown topic or one nobody counts for, and then sent as 0', () => {
      const store = new TopicStore();
      expect(store.minSubscriberTopicVersion('nope')).toBeUndefined();
      store.addSubscriber('excluded', [sub(CATALOG, { populateMinSubscriberTopicVersion: true })], { excludedFromMinVersion: true });
      store.getOrCreate(CATALOG).put('k', enc.encode('v'), false);
      expect(store.minSubscriberTopicVersion(CATALOG)).toBeUndefined();
      expect(store.buildUpdate('excluded', false, false).map(show)).toEqual([`${CATALOG} full (0,1] [k=v] min=0`]);
    });

    it('forgets a removed subscriber', () => {
      const store = new TopicStore();
      impalad(store, 'slow');
      impalad(store, 'fast');
      store.getOrCreate(CATALOG).put('1:k', enc.encode('v'), false);
      deliver(store, 'fast', false);
      expect(store.minSubscriberTopicVersion(CATALOG)).toBe(0);
      store.removeSubscriber('slow');
      expect(store.minSubscriberTopicVersion(CATALOG)).toBe(1);
    });
  });

  describe('validateSubscriberWrites', () => {
    it("allows writes only to the subscriber's own topics", () => {
      const store = new TopicStore();
      impalad(store, 'a');
      store.getOrCreate('someone-elses');
      const limits = { maxKeyBytes: 100, maxValueBytes: 100 };
      expect(store.validateSubscriberWrites('a', [write(MEMBERSHIP, item('a', 'v'))], limits)).toEqual([]);
      expect(store.validateSubscriberWrites('a', [write('someone-elses', item('a', 'v'))], limits)).toEqual([
        { kind: 'unknownTopic', delta: 0, topicName: 'someone-elses' },
      ]);
      expect(store.validateSubscriberWrites('ghost', [write(MEMBERSHIP, item('a', 'v'))], limits)).toEqual([
        { kind: 'unknownTopic', delta: 0, topicName: MEMBERSHIP },
      ]);
    });
  });
});
