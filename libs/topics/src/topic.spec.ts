import { Topic } from './topic';
import type { TopicItem } from './topic-item';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string): Uint8Array => enc.encode(s);
const show = (items: TopicItem[]): string[] => items.map((i) => `${i.key}${i.deleted ? ' (deleted)' : `=${dec.decode(i.value)}`}`);

describe('Topic', () => {
  describe('versioning (Topic::Put)', () => {
    it('starts at version 0 and gives every write the next version', () => {
      const t = new Topic('catalog-update');
      expect(t.lastVersion).toBe(0);
      expect(t.put('a', b('1'), false)).toBe(1);
      expect(t.put('b', b('2'), false)).toBe(2);
      expect(t.put('a', b('3'), false)).toBe(3);
      expect(t.put('c', b(''), true)).toBe(4);
      expect(t.lastVersion).toBe(4);
    });

    it('keeps only the newest version of each key in the log', () => {
      const t = new Topic('catalog-update');
      t.put('a', b('1'), false);
      t.put('b', b('2'), false);
      t.put('a', b('3'), false);
      expect(show(t.buildDelta(0).entries)).toEqual(['b=2', 'a=3']);
      expect(t.get('a')).toEqual({ value: b('3'), deleted: false, version: 3 });
    });

    it('records a delete as a tombstone with a new version', () => {
      const t = new Topic('catalog-update');
      t.put('a', b('1'), false);
      expect(t.put('a', new Uint8Array(0), true)).toBe(2);
      expect(t.get('a')).toEqual({ value: new Uint8Array(0), deleted: true, version: 2 });
      expect(t.stats()).toMatchObject({ numEntries: 0, numTombstones: 1 });
    });

    it('copies the written value, so the caller may reuse its buffer', () => {
      const t = new Topic('catalog-update');
      const buf = b('xyz');
      t.put('a', buf, false);
      buf[0] = 0;
      expect(dec.decode(t.get('a')?.value)).toBe('xyz');
    });
  });

  describe('buildDelta (Topic::BuildDelta)', () => {
    function topicWithHistory(): Topic {
      const t = new Topic('catalog-update');
      t.put('1:a', b('a1'), false); // v1
      t.put('1:b', b('b1'), false); // v2
      t.put('2:c', b('c1'), false); // v3
      t.put('1:b', b(''), true); //   v4: tombstone
      t.put('1:a', b('a2'), false); // v5
      return t;
    }

    it('sends the whole topic without tombstones to a new subscriber (last_version 0)', () => {
      const d = topicWithHistory().buildDelta(0);
      expect(d).toMatchObject({ topicName: 'catalog-update', isDelta: false, fromVersion: 0, toVersion: 5 });
      expect(show(d.entries)).toEqual(['2:c=c1', '1:a=a2']);
    });

    it('sends only entries newer than last_version, tombstones included, as a delta', () => {
      const d = topicWithHistory().buildDelta(2);
      expect(d).toMatchObject({ isDelta: true, fromVersion: 2, toVersion: 5 });
      expect(show(d.entries)).toEqual(['2:c=c1', '1:b (deleted)', '1:a=a2']);
    });

    it('sends an empty delta that keeps to_version when nothing is newer', () => {
      const d = topicWithHistory().buildDelta(5);
      expect(d).toMatchObject({ isDelta: true, fromVersion: 5, toVersion: 5, entries: [] });
    });

    it('sends only keys with the filter prefix, tombstones included', () => {
      const t = topicWithHistory();
      expect(show(t.buildDelta(0, '1:').entries)).toEqual(['1:a=a2']);
      expect(show(t.buildDelta(1, '1:').entries)).toEqual(['1:b (deleted)', '1:a=a2']);
    });

    it('moves to_version even when the filter leaves the update empty', () => {
      const t = topicWithHistory();
      t.put('2:d', b('d1'), false); // v6, not matching '1:'
      const d = t.buildDelta(5, '1:');
      expect(d).toMatchObject({ isDelta: true, fromVersion: 5, toVersion: 6, entries: [] });
    });

    it('reports to_version 0 for an empty log', () => {
      expect(new Topic('t').buildDelta(0)).toEqual({ topicName: 't', entries: [], isDelta: false, fromVersion: 0, toVersion: 0 });
    });

    it('reports the largest version in the log as to_version, which is 0 again after a clear', () => {
      const t = topicWithHistory();
      t.clearAllEntries();
      expect(t.buildDelta(5)).toMatchObject({ isDelta: true, fromVersion: 5, toVersion: 0, entries: [] });
      expect(t.toVersion).toBe(0);
      expect(t.lastVersion).toBe(5);
    });

    it('stays correct across log compaction (many rewrites of few keys)', () => {
      const t = new Topic('t');
      for (let i = 1; i <= 1000; i++) t.put(`k${i % 3}`, b(String(i)), false);
      expect(show(t.buildDelta(0).entries)).toEqual(['k2=998', 'k0=999', 'k1=1000']);
      expect(show(t.buildDelta(998).entries)).toEqual(['k0=999', 'k1=1000']);
    });
  });

  describe('clearAllEntries (Topic::ClearAllEntries)', () => {
    it('drops entries and tombstones but keeps the version counter', () => {
      const t = new Topic('catalog-update');
      t.put('a', b('1'), false);
      t.put('b', b(''), true);
      t.clearAllEntries();
      expect(t.get('a')).toBeUndefined();
      expect(t.get('b')).toBeUndefined();
      expect(t.stats()).toMatchObject({ numEntries: 0, numTombstones: 0, keySizeBytes: 0, valueSizeBytes: 0, version: 2 });
      expect(t.put('c', b('3'), false)).toBe(3);
    });

    it('gives a subscriber behind the clear a delta without tombstones for what was cleared (as Impala)', () => {
      const t = new Topic('catalog-update');
      t.put('old', b('1'), false); // v1; a subscriber acknowledged 1
      t.clearAllEntries();
      t.put('new', b('2'), false); // v2
      const d = t.buildDelta(1);
      expect(d).toMatchObject({ isDelta: true, fromVersion: 1, toVersion: 2 });
      expect(show(d.entries)).toEqual(['new=2']);
    });
  });

  describe('deleteIfVersionsMatch (Topic::DeleteIfVersionsMatch)', () => {
    it('tombstones the key with a new version when it is unchanged since that version', () => {
      const t = new Topic('impala-membership');
      const v = t.put('impalad@h1', b('desc'), false);
      t.put('other', b('x'), false);
      expect(t.deleteIfVersionsMatch(v, 'impalad@h1')).toBe(true);
      expect(t.get('impalad@h1')).toEqual({ value: new Uint8Array(0), deleted: true, version: 3 });
      expect(show(t.buildDelta(2).entries)).toEqual(['impalad@h1 (deleted)']);
    });

    it('leaves a key someone overwrote since', () => {
      const t = new Topic('impala-membership');
      const v = t.put('impalad@h1', b('old'), false);
      t.put('impalad@h1', b('new'), false);
      expect(t.deleteIfVersionsMatch(v, 'impalad@h1')).toBe(false);
      expect(t.get('impalad@h1')).toEqual({ value: b('new'), deleted: false, version: 2 });
      expect(t.lastVersion).toBe(2);
    });

    it('leaves a missing key and an existing tombstone alone, without spending a version', () => {
      const t = new Topic('impala-membership');
      const v = t.put('gone', b(''), true);
      expect(t.deleteIfVersionsMatch(v, 'gone')).toBe(false);
      expect(t.deleteIfVersionsMatch(1, 'never-written')).toBe(false);
      expect(t.lastVersion).toBe(1);
    });
  });

  describe('stats (the /topics page)', () => {
    it('counts live entries, tombstones and UTF-8 key and value bytes', () => {
      const t = new Topic('impala-membership');
      t.put('ab', b('xyz'), false);
      t.put('é', b('12345'), false); // 2-byte key
      t.put('ab', b('q'), false); // value 3 -> 1
      t.put('dead', b('vv'), true); // tombstone carrying a value (Impala's catalogd does)
      expect(t.stats()).toEqual({
        topicName: 'impala-membership',
        numEntries: 2,
        numTombstones: 1,
        keySizeBytes: 2 + 2 + 4,
        valueSizeBytes: 1 + 5 + 2,
        totalSizeBytes: 16,
        version: 4,
        oldestVersion: 0,
        oldestId: '',
        prioritized: true,
      });
    });

    it('drops the value bytes of an entry that deleteIfVersionsMatch tombstones', () => {
      const t = new Topic('t');
      const v = t.put('k', b('1234'), false);
      t.deleteIfVersionsMatch(v, 'k');
      expect(t.stats()).toMatchObject({ numEntries: 0, numTombstones: 1, keySizeBytes: 1, valueSizeBytes: 0 });
    });

    it('reports the oldest subscriber version and id from the tracked subscribers', () => {
      const t = new Topic('catalog-update');
      t.subscriberVersions.add('s2', 7, false);
      t.subscriberVersions.add('s1', 3, false);
      t.subscriberVersions.add('catalogd-standby', 1, true);
      expect(t.stats()).toMatchObject({ oldestVersion: 3, oldestId: 's1', prioritized: false });
    });
  });

  it('lists live entries only', () => {
    const t = new Topic('t');
    t.put('a', b('1'), false);
    t.put('b', b(''), true);
    expect([...t.liveEntries()].map(([k, v]) => `${k}=${dec.decode(v)}`)).toEqual(['a=1']);
  });
});
