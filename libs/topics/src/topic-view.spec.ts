import type { TopicDeltaData, TopicItem } from './topic-item';
import { TopicView, resyncRequest } from './topic-view';

const enc = new TextEncoder();
const dec = new TextDecoder();
const item = (key: string, value: string, deleted = false): TopicItem => ({ key, value: enc.encode(value), deleted });
const update = (over: Partial<TopicDeltaData>): TopicDeltaData => ({ topicName: 'impala-membership', entries: [], isDelta: false, ...over });
const contents = (view: TopicView, topic = 'impala-membership'): Record<string, string> =>
  Object.fromEntries([...view.entries(topic)].map(([k, v]) => [k, dec.decode(v)]));
const changes = (items: TopicItem[]): string[] => items.map((i) => (i.deleted ? `-${i.key}` : `+${i.key}=${dec.decode(i.value)}`));

describe('TopicView', () => {
  it('is at version -1 with no entries before the first update', () => {
    const view = new TopicView();
    expect(view.currentVersion('impala-membership')).toBe(-1);
    expect(view.entries('impala-membership').size).toBe(0);
  });

  it('applies a full update and moves to its to_version', () => {
    const view = new TopicView();
    const out = view.apply(update({ entries: [item('a', '1'), item('b', '2')], fromVersion: 0, toVersion: 2 }));
    expect(out).toMatchObject({ kind: 'applied', topicName: 'impala-membership', full: true, version: 2 });
    expect(out.kind === 'applied' && changes(out.changed)).toEqual(['+a=1', '+b=2']);
    expect(view.currentVersion('impala-membership')).toBe(2);
    expect(contents(view)).toEqual({ a: '1', b: '2' });
  });

  it('accepts a delta as the first update of a registration (current -1), as Impala does', () => {
    const view = new TopicView();
    const out = view.apply(update({ isDelta: true, entries: [item('a', '1')], fromVersion: 5, toVersion: 6 }));
    expect(out).toMatchObject({ kind: 'applied', full: false, version: 6 });
    expect(contents(view)).toEqual({ a: '1' });
  });

  it('applies a delta that starts at its version: sets and tombstones', () => {
    const view = new TopicView();
    view.apply(update({ entries: [item('a', '1'), item('b', '2')], toVersion: 2 }));
    const out = view.apply(update({ isDelta: true, fromVersion: 2, toVersion: 5, entries: [item('a', '', true), item('c', '3'), item('b', '22'), item('never-seen', '', true)] }));
    expect(out).toMatchObject({ kind: 'applied', full: false, version: 5 });
    expect(out.kind === 'applied' && changes(out.changed)).toEqual(['-a', '+c=3', '+b=22']);
    expect(contents(view)).toEqual({ b: '22', c: '3' });
  });

  it('asks for a resync on a delta that does not start at its version, and applies nothing', () => {
    const view = new TopicView();
    view.apply(update({ entries: [item('a', '1')], toVersion: 3 }));
    const out = view.apply(update({ isDelta: true, fromVersion: 4, toVersion: 6, entries: [item('b', '2')] }));
    expect(out).toEqual({ kind: 'resync', topicName: 'impala-membership', fromVersion: 3 });
    expect(view.currentVersion('impala-membership')).toBe(3);
    expect(contents(view)).toEqual({ a: '1' });
  });

  it('asks for a resync on a delta from behind its version too (a duplicate)', () => {
    const view = new TopicView();
    view.apply(update({ entries: [item('a', '1')], toVersion: 3 }));
    expect(view.apply(update({ isDelta: true, fromVersion: 1, toVersion: 3, entries: [item('a', 'old')] }))).toMatchObject({ kind: 'resync', fromVersion: 3 });
    expect(contents(view)).toEqual({ a: '1' });
  });

  it('lets a full update replace everything, reporting keys it drops as removed', () => {
    const view = new TopicView();
    view.apply(update({ entries: [item('a', '1'), item('b', '2')], toVersion: 2 }));
    const out = view.apply(update({ entries: [item('b', '2'), item('c', '3'), item('d', '', true)], fromVersion: 0, toVersion: 9 }));
    expect(out).toMatchObject({ kind: 'applied', full: true, version: 9 });
    expect(out.kind === 'applied' && changes(out.changed)).toEqual(['+b=2', '+c=3', '-a']);
    expect(contents(view)).toEqual({ b: '2', c: '3' });
  });

  it('applies a full update whatever its from_version (non-delta never resyncs)', () => {
    const view = new TopicView();
    view.apply(update({ entries: [item('a', '1')], toVersion: 3 }));
    expect(view.apply(update({ fromVersion: 17, toVersion: 20, entries: [item('z', '9')] }))).toMatchObject({ kind: 'applied', full: true });
    expect(contents(view)).toEqual({ z: '9' });
  });

  it('follows a topic cleared by the statestored: delta to version 0, then a full update', () => {
    const view = new TopicView();
    view.apply(update({ entries: [item('a', '1')], toVersion: 4 }));
    view.apply(update({ isDelta: true, fromVersion: 4, toVersion: 0 }));
    expect(view.currentVersion('impala-membership')).toBe(0);
    view.apply(update({ entries: [item('b', '2')], fromVersion: 0, toVersion: 5 }));
    expect(contents(view)).toEqual({ b: '2' });
  });

  it('reads a missing from_version and to_version as 0, as an unset Thrift i64', () => {
    const view = new TopicView();
    view.apply(update({ entries: [item('a', '1')] }));
    expect(view.currentVersion('impala-membership')).toBe(0);
    expect(view.apply(update({ isDelta: true, entries: [item('b', '2')], toVersion: 1 }))).toMatchObject({ kind: 'applied' });
  });

  it('keeps topics apart', () => {
    const view = new TopicView();
    view.apply(update({ entries: [item('a', '1')], toVersion: 1 }));
    view.apply(update({ topicName: 'catalog-update', entries: [item('x', '9')], toVersion: 7 }));
    expect(view.currentVersion('impala-membership')).toBe(1);
    expect(view.currentVersion('catalog-update')).toBe(7);
    expect(contents(view, 'catalog-update')).toEqual({ x: '9' });
  });

  it('copies values, so the decoded message buffer can be released or reused', () => {
    const view = new TopicView();
    const value = enc.encode('abc');
    view.apply(update({ entries: [{ key: 'a', value, deleted: false }], toVersion: 1 }));
    value[0] = 0;
    expect(contents(view)).toEqual({ a: 'abc' });
  });

  it('goes back to -1 on reset but keeps the entries until the next full update replaces them', () => {
    const view = new TopicView();
    view.apply(update({ entries: [item('a', '1')], toVersion: 8 }));
    view.reset();
    expect(view.currentVersion('impala-membership')).toBe(-1);
    expect(contents(view)).toEqual({ a: '1' });
    // A new active starts this subscriber at 0: a full update, which replaces the old state.
    view.apply(update({ entries: [item('b', '2')], fromVersion: 0, toVersion: 3 }));
    expect(contents(view)).toEqual({ b: '2' });
    expect(view.currentVersion('impala-membership')).toBe(3);
  });
});

describe('resyncRequest', () => {
  it("is Impala's reply TTopicDelta{topic_name, from_version=current}", () => {
    expect(resyncRequest('catalog-update', 12)).toEqual({ topicName: 'catalog-update', entries: [], isDelta: false, fromVersion: 12 });
  });
});
