import type { TopicDeltaData } from './topic-item';
import { formatWriteProblem, validateWrites } from './validate-writes';
import type { WriteLimits } from './validate-writes';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const limits: WriteLimits = { maxKeyBytes: 8, maxValueBytes: 4 };
const put = (topicName: string, key: string, value: string, deleted = false): TopicDeltaData => ({
  topicName,
  isDelta: true,
  entries: [{ key, value: b(value), deleted }],
});

describe('validateWrites', () => {
  it('accepts a batch within the limits', () => {
    const batch: TopicDeltaData[] = [
      put('impala-membership', 'impalad1', 'abcd'),
      put('impala-membership', 'gone', '', true),
      { topicName: 'catalog-update', isDelta: true, entries: [], fromVersion: 7 },
      { topicName: 'catalog-update', isDelta: true, entries: [], clearTopicEntries: true },
    ];
    expect(validateWrites(batch, limits, new Set(['impala-membership', 'catalog-update']))).toEqual([]);
  });

  it('accepts keys and values exactly at the limits, counting UTF-8 bytes', () => {
    expect(validateWrites([put('t', 'éééé', '1234')], limits)).toEqual([]); // 8 bytes, 4 chars
    expect(validateWrites([put('t', 'ééééa', '12345')], limits)).toEqual([
      { kind: 'keyTooLarge', delta: 0, entry: 0, topicName: 't', key: 'ééééa', bytes: 9, limit: 8 },
      { kind: 'valueTooLarge', delta: 0, entry: 0, topicName: 't', key: 'ééééa', bytes: 5, limit: 4 },
    ]);
  });

  it('reports every problem of the batch, with where it is', () => {
    const batch: TopicDeltaData[] = [
      put('impala-membership', '', 'v'),
      put('not-registered', 'k', 'v'),
      { topicName: '', isDelta: true, entries: [] },
      put('impala-membership', 'k', 'vv', true),
      { topicName: 'catalog-update', isDelta: true, entries: [], fromVersion: -1 },
      { topicName: 'catalog-update', isDelta: true, entries: [], fromVersion: 1.5, clearTopicEntries: true },
    ];
    expect(validateWrites(batch, limits, (t) => t === 'impala-membership' || t === 'catalog-update')).toEqual([
      { kind: 'emptyKey', delta: 0, entry: 0, topicName: 'impala-membership' },
      { kind: 'unknownTopic', delta: 1, topicName: 'not-registered' },
      { kind: 'emptyTopicName', delta: 2 },
      { kind: 'tombstoneWithValue', delta: 3, entry: 0, topicName: 'impala-membership', key: 'k', bytes: 2 },
      { kind: 'badFromVersion', delta: 4, topicName: 'catalog-update', fromVersion: -1 },
      { kind: 'badFromVersion', delta: 5, topicName: 'catalog-update', fromVersion: 1.5 },
      { kind: 'clearWithFromVersion', delta: 5, topicName: 'catalog-update' },
    ]);
  });

  it('lets tombstones carry values when asked (Impala catalogd format), still within the value limit', () => {
    const allow = { ...limits, allowTombstoneValues: true };
    expect(validateWrites([put('t', 'k', 'vv', true)], allow)).toEqual([]);
    expect(validateWrites([put('t', 'k', 'vvvvv', true)], allow)).toEqual([
      { kind: 'valueTooLarge', delta: 0, entry: 0, topicName: 't', key: 'k', bytes: 5, limit: 4 },
    ]);
  });

  it('treats any topic as writable when no set is given', () => {
    expect(validateWrites([put('anything', 'k', 'v')], limits)).toEqual([]);
  });

  it('clips long keys it echoes back', () => {
    const key = 'x'.repeat(1000);
    const [p] = validateWrites([put('t', key, '')], limits);
    expect(p).toMatchObject({ kind: 'keyTooLarge', bytes: 1000 });
    expect(p && 'key' in p ? p.key.length : 0).toBe(83);
  });

  it('does not throw on a delta decoded without entries or values', () => {
    const broken = [{ topicName: 't', isDelta: true, entries: [{ key: 'k', deleted: false }] }] as unknown as TopicDeltaData[];
    expect(validateWrites(broken, limits)).toEqual([]);
    const noEntries = [{ topicName: 't', isDelta: true }] as unknown as TopicDeltaData[];
    expect(validateWrites(noEntries, limits)).toEqual([]);
  });
});

describe('formatWriteProblem', () => {
  it.each([
    [{ kind: 'unknownTopic', delta: 0, topicName: 'x' }, "topic 'x': not a topic this subscriber registered"],
    [{ kind: 'emptyTopicName', delta: 2 }, 'update #2: empty topic name'],
    [{ kind: 'emptyKey', delta: 0, entry: 3, topicName: 't' }, "topic 't' entry #3: empty key"],
    [{ kind: 'keyTooLarge', delta: 0, entry: 0, topicName: 't', key: 'k', bytes: 9, limit: 8 }, "topic 't' key 'k': key is 9 bytes, limit 8"],
    [{ kind: 'valueTooLarge', delta: 0, entry: 0, topicName: 't', key: 'k', bytes: 5, limit: 4 }, "topic 't' key 'k': value is 5 bytes, limit 4"],
    [{ kind: 'tombstoneWithValue', delta: 0, entry: 0, topicName: 't', key: 'k', bytes: 2 }, "topic 't' key 'k': deleted item carries a 2-byte value"],
    [{ kind: 'badFromVersion', delta: 0, topicName: 't', fromVersion: -1 }, "topic 't': from_version -1 is not a version"],
    [{ kind: 'clearWithFromVersion', delta: 0, topicName: 't' }, "topic 't': clear_topic_entries together with from_version"],
  ] as const)('%j', (problem, text) => {
    expect(formatWriteProblem(problem)).toBe(text);
  });
});
