/**
 * Topic updates and subscriber writes on the pure node (Impala: DoSubscriberUpdate,
 * GatherTopicUpdates, SendTopicUpdate): what the deleted apps/statestored statestore.spec.ts
 * asserted about updates and writes, driven through startNode/step with no sockets or timers.
 */
import type { TopicDeltaData } from '@statestore-ha/topics';
import type { DownMessage, UpMessage } from './messages';
import type { StatestoredNodeFlags } from './node-config';
import type { NodeEffect } from './node-effects';
import { activeEpochOf, isActiveNode, roleOf } from './node-queries';
import { CATALOG, FAST_HA_FLAGS, MEMBERSHIP, Rig, activePeer, effectsOf, put, sent, standbyPeer, topic } from './node-rig.spec-helper';

// ---- topics and writes --------------------------------------------------------------------------

const UPDATE = 500;
const PRIORITY_UPDATE = 50;
/** Update cadences of the deleted spec; heartbeats far apart and never timing out in these specs. */
const UPDATE_FLAGS: Partial<StatestoredNodeFlags> = {
  statestore_update_frequency_ms: UPDATE,
  statestore_priority_update_frequency_ms: PRIORITY_UPDATE,
  statestore_heartbeat_frequency_ms: 60_000,
  statestore_heartbeat_tcp_timeout_seconds: 120,
};

const keysOf = (d: TopicDeltaData | undefined): string[] => (d?.entries ?? []).map((e) => e.key);

/** The version the node has recorded as acknowledged by `id` on `topicName`. */
const acked = (r: Rig, id: string, topicName: string): number | undefined => r.state.topics.subscriber(id)?.topics.get(topicName)?.lastVersion;

const answer = (seq: number, patch: Partial<Extract<UpMessage, { kind: 'updateState' }>> = {}): UpMessage => ({
  kind: 'updateState',
  seq,
  writes: [],
  skipped: false,
  staleEpoch: false,
  highestEpochSeen: 0,
  ...patch,
});

describe('topic updates', () => {
  it('sends the first update of a registration even when the topic is empty: full, from 0; no priority update without priority topics', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    const fx = r.advance(UPDATE * 3);
    expect(sent(fx, 1, 'updateState')).toEqual([
      { kind: 'updateState', seq: 1, activeEpoch: 0, deltas: [{ topicName: CATALOG, entries: [], isDelta: false, fromVersion: 0, toVersion: 0 }] },
    ]);
  });

  it('keeps one update in flight per class: nothing more until it is answered, while the other class has its own', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG), topic(MEMBERSHIP)] });
    r.register(2, { subscriberId: 'w', topics: [topic(CATALOG), topic(MEMBERSHIP)] });
    let fx = r.advance(PRIORITY_UPDATE);
    // One of each class went out, neither answered.
    expect(sent(fx, 1, 'updateState').map((u) => u.deltas.map((d) => d.topicName))).toEqual([[MEMBERSHIP], [CATALOG]]);
    r.up(2, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k', 'v']]), put(MEMBERSHIP, [['m', 'v']])] });
    fx = r.advance(UPDATE * 3);
    expect(sent(fx, 1, 'updateState')).toEqual([]);
    // Answering the priority one lets the next priority one go; the normal class still waits.
    r.up(1, answer(1));
    fx = r.advance(PRIORITY_UPDATE);
    expect(sent(fx, 1, 'updateState').map((u) => [u.seq, u.deltas.map((d) => d.topicName)])).toEqual([[3, [MEMBERSHIP]]]);
  });

  it('acknowledges an answered update: the next one is a delta from the acknowledged version with only what changed', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'writer', topics: [topic(CATALOG)] });
    r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k1', 'v1']])] });
    r.register(2, { subscriberId: 'reader', topics: [topic(CATALOG)] });
    let fx = r.advance(PRIORITY_UPDATE);
    const [first] = sent(fx, 2, 'updateState');
    expect(first?.deltas[0]).toMatchObject({ isDelta: false, fromVersion: 0, toVersion: 1 });
    expect(keysOf(first?.deltas[0])).toEqual(['k1']);
    r.advance(20);
    fx = r.up(2, answer(first?.seq ?? -1));
    expect(acked(r, 'reader', CATALOG)).toBe(1);
    expect(effectsOf(fx, 'topicUpdateAnswered')).toEqual([{ kind: 'topicUpdateAnswered', priority: false, durationMs: 20 }]);
    // Nothing new: nothing goes out.
    fx = r.advance(UPDATE * 2);
    expect(sent(fx, 2, 'updateState')).toEqual([]);
    r.up(1, { kind: 'publish', seq: 2, writes: [put(CATALOG, [['k2', 'v2']])] });
    fx = r.advance(PRIORITY_UPDATE);
    const [second] = sent(fx, 2, 'updateState');
    expect(second?.deltas[0]).toMatchObject({ isDelta: true, fromVersion: 1, toVersion: 2 });
    expect(keysOf(second?.deltas[0])).toEqual(['k2']);
  });

  it('spaces updates of a class by its period: a lone change goes at the next loop, the next change waits out the period', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'writer', topics: [topic(CATALOG)] });
    r.register(2, { subscriberId: 'reader', topics: [topic(CATALOG)] });
    let fx = r.advance(PRIORITY_UPDATE);
    r.up(2, answer(sent(fx, 2, 'updateState')[0]?.seq ?? -1));
    r.advance(UPDATE * 2);
    r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k1', 'v1']])] });
    fx = r.advance(PRIORITY_UPDATE);
    const [u1] = sent(fx, 2, 'updateState');
    expect(keysOf(u1?.deltas[0])).toEqual(['k1']);
    const sentAt = r.now;
    r.up(2, answer(u1?.seq ?? -1));
    r.up(1, { kind: 'publish', seq: 2, writes: [put(CATALOG, [['k2', 'v2']])] });
    fx = r.advance(sentAt + UPDATE - 1 - r.now);
    expect(sent(fx, 2, 'updateState')).toEqual([]);
    fx = r.advance(1);
    expect(sent(fx, 2, 'updateState').map((u) => keysOf(u.deltas[0]))).toEqual([['k2']]);
  });

  it('a gap-detection full round with nothing new does not hold back a change made just after it', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'writer', topics: [topic(CATALOG)] });
    r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k1', 'v1']])] });
    r.register(2, { subscriberId: 'reader', topics: [topic(CATALOG)] });
    let fx = r.advance(PRIORITY_UPDATE);
    r.up(2, answer(sent(fx, 2, 'updateState')[0]?.seq ?? -1));
    // Ten normal periods on, every topic goes out again, changed or not (how a gap on a quiet topic shows).
    fx = r.advance(10 * UPDATE);
    const rounds = sent(fx, 2, 'updateState');
    expect(rounds).toHaveLength(1);
    expect(rounds[0]?.deltas[0]).toMatchObject({ topicName: CATALOG, fromVersion: 1, toVersion: 1, entries: [] });
    r.up(2, answer(rounds[0]?.seq ?? -1));
    r.up(1, { kind: 'publish', seq: 2, writes: [put(CATALOG, [['k2', 'v2']])] });
    fx = r.advance(PRIORITY_UPDATE);
    const [change] = sent(fx, 2, 'updateState');
    expect(keysOf(change?.deltas[0])).toEqual(['k2']);
    // A change did use up the spacing: the next one waits out the period.
    r.up(2, answer(change?.seq ?? -1));
    r.up(1, { kind: 'publish', seq: 3, writes: [put(CATALOG, [['k3', 'v3']])] });
    fx = r.advance(PRIORITY_UPDATE);
    expect(sent(fx, 2, 'updateState')).toEqual([]);
    fx = r.advance(UPDATE);
    expect(sent(fx, 2, 'updateState').map((u) => keysOf(u.deltas[0]))).toEqual([['k3']]);
  });

  it('after a skipped answer holds the class back twice the period (Impala), then sends the same update again', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    let fx = r.advance(PRIORITY_UPDATE);
    const [first] = sent(fx, 1, 'updateState');
    r.advance(UPDATE / 2);
    fx = r.up(1, answer(first?.seq ?? -1, { skipped: true }));
    const answeredAt = r.now;
    expect(effectsOf(fx, 'topicUpdateAnswered')).toEqual([]);
    fx = r.advance(answeredAt + 2 * UPDATE - 1 - r.now);
    expect(sent(fx, 1, 'updateState')).toEqual([]);
    fx = r.advance(1);
    const again = sent(fx, 1, 'updateState');
    expect(again).toHaveLength(1);
    expect(again[0]?.deltas).toEqual(first?.deltas);
    expect(acked(r, 'a', CATALOG)).toBe(0);
  });

  it('resends an update unanswered for statestore_update_tcp_timeout_seconds; a late answer to the old one acknowledges nothing', () => {
    const r = new Rig({ ...UPDATE_FLAGS, statestore_update_tcp_timeout_seconds: 2 });
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k', 'v']])] });
    let fx = r.advance(PRIORITY_UPDATE);
    const [first] = sent(fx, 1, 'updateState');
    const sentAt = r.now;
    fx = r.advance(sentAt + 2000 - 1 - r.now);
    expect(sent(fx, 1, 'updateState')).toEqual([]);
    fx = r.advance(PRIORITY_UPDATE);
    expect(effectsOf(fx, 'topicUpdateTimedOut')).toEqual([{ kind: 'topicUpdateTimedOut', subscriberId: 'a', seq: first?.seq }]);
    const resent = sent(fx, 1, 'updateState');
    expect(resent.map((u) => u.deltas)).toEqual([first?.deltas]);
    expect(resent[0]?.seq).not.toBe(first?.seq);
    fx = r.up(1, answer(first?.seq ?? -1));
    expect(effectsOf(fx, 'topicUpdateAnswered')).toEqual([]);
    expect(acked(r, 'a', CATALOG)).toBe(0);
    r.up(1, answer(resent[0]?.seq ?? -1));
    expect(acked(r, 'a', CATALOG)).toBe(1);
  });

  it('sends no topic updates while the network is disabled, and resumes once it is back', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    r.step({ kind: 'setNetworkDisabled', disabled: true });
    let fx = r.advance(UPDATE * 2);
    expect(sent(fx, 1, 'updateState')).toEqual([]);
    r.step({ kind: 'setNetworkDisabled', disabled: false });
    fx = r.advance(PRIORITY_UPDATE);
    expect(sent(fx, 1, 'updateState')).toHaveLength(1);
  });

  it('stops sending updates to a congested stream until it drains', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    let fx = r.advance(PRIORITY_UPDATE);
    r.up(1, answer(sent(fx, 1, 'updateState')[0]?.seq ?? -1));
    r.step({ kind: 'linkWritable', link: 1, writable: false });
    r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k', 'v']])] });
    fx = r.advance(UPDATE * 2);
    expect(sent(fx, 1, 'updateState')).toEqual([]);
    r.step({ kind: 'linkWritable', link: 1, writable: true });
    fx = r.advance(PRIORITY_UPDATE);
    expect(sent(fx, 1, 'updateState').map((u) => keysOf(u.deltas[0]))).toEqual([['k']]);
  });

  it('leaves out a stream that ended, and what was in flight on it is lost', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k', 'v']])] });
    let fx = r.advance(PRIORITY_UPDATE);
    const [inFlight] = sent(fx, 1, 'updateState');
    r.step({ kind: 'linkClosed', link: 1 });
    fx = r.advance(UPDATE * 2);
    expect(fx.filter((e) => e.kind === 'send')).toEqual([]);
    // The old stream's answer cannot arrive on it any more: its link is no registration's now.
    fx = r.up(1, answer(inFlight?.seq ?? -1));
    expect(effectsOf(fx, 'closeLink')).toMatchObject([{ link: 1, reason: 'protocolViolation' }]);
    expect(acked(r, 'a', CATALOG)).toBe(0);
  });
});

describe('topic updates across roles', () => {
  const HA_FLAGS: Partial<StatestoredNodeFlags> = { ...UPDATE_FLAGS, ...FAST_HA_FLAGS };

  it('a standby sends no topic updates', () => {
    const r = new Rig(HA_FLAGS, activePeer(4));
    expect(roleOf(r.state)).toBe('standby');
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    const fx = r.advance(UPDATE * 2);
    expect(sent(fx, 1, 'updateState')).toEqual([]);
  });

  it('a stale-epoch answer acknowledges nothing and tells the role machine, which steps down on a newer epoch', () => {
    const r = new Rig(HA_FLAGS, standbyPeer);
    expect(roleOf(r.state)).toBe('active');
    const epoch = activeEpochOf(r.state);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k', 'v']])] });
    let fx = r.advance(PRIORITY_UPDATE);
    const [u1] = sent(fx, 1, 'updateState');
    expect(u1?.activeEpoch).toBe(epoch);
    // Stale, but about no newer epoch than ours: the update is dropped, the role stays.
    fx = r.up(1, answer(u1?.seq ?? -1, { staleEpoch: true, highestEpochSeen: epoch }));
    expect(acked(r, 'a', CATALOG)).toBe(0);
    expect(effectsOf(fx, 'roleChanged')).toEqual([]);
    fx = r.advance(UPDATE);
    const [u2] = sent(fx, 1, 'updateState');
    expect(u2?.deltas[0]).toMatchObject({ isDelta: false, fromVersion: 0, toVersion: 1 });
    // Stale because the subscriber follows a newer active: nothing acknowledged, and this node steps down.
    fx = r.up(1, answer(u2?.seq ?? -1, { staleEpoch: true, highestEpochSeen: epoch + 10 }));
    expect(acked(r, 'a', CATALOG)).toBe(0);
    expect(effectsOf(fx, 'roleChanged')).toMatchObject([{ from: 'active', to: 'standby', reason: 'higherEpoch' }]);
    expect(effectsOf(fx, 'activeEpochChanged')).toEqual([{ kind: 'activeEpochChanged', isActive: false, epoch: 0 }]);
    expect(isActiveNode(r.state)).toBe(false);
  });

  /**
   * Active (acknowledged versions, an update in flight), stepped down by a force-active peer,
   * then takes over again once the peer is silent and the subscriber reports it lost.
   */
  function promotedAgain(): { r: Rig; inFlight: Extract<DownMessage, { kind: 'updateState' }>; promotion: NodeEffect[] } {
    const r = new Rig(HA_FLAGS, standbyPeer);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG), topic(MEMBERSHIP)] }, { heartbeats: { connState: 'FAILED', highestEpochSeen: 0 } });
    r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k1', 'v1'], ['k2', 'v2']])] });
    let fx = r.advance(PRIORITY_UPDATE);
    for (const u of sent(fx, 1, 'updateState')) r.up(1, answer(u.seq));
    expect(acked(r, 'a', CATALOG)).toBe(2);
    expect(acked(r, 'a', MEMBERSHIP)).toBe(0);
    fx = r.advance(UPDATE * 2);
    expect(sent(fx, 1, 'updateState')).toEqual([]);
    r.up(1, { kind: 'publish', seq: 2, writes: [put(CATALOG, [['k3', 'v3']])] });
    fx = r.advance(PRIORITY_UPDATE);
    const [inFlight] = sent(fx, 1, 'updateState');
    if (inFlight === undefined) throw new Error('no update in flight');
    // The peer comes back forced active: this node becomes its standby ...
    r.peer = (ev) => (ev.kind === 'sendHandshake' ? { kind: 'haHandshakeFailed', seq: ev.seq } : { kind: 'haHeartbeatFailed', seq: ev.seq });
    fx = r.step({ kind: 'haHandshakeRequested', protocolVersion: 1, request: { statestoreId: 'peer', address: 'ss-b:24020', forceActive: true, isActive: false, epoch: 0 } });
    expect(effectsOf(fx, 'roleChanged')).toMatchObject([{ from: 'active', to: 'standby', reason: 'peerForceActive' }]);
    // ... and takes over again once the peer is silent past its timeout and the subscriber has lost it.
    const promotion = r.advance(2000);
    expect(effectsOf(promotion, 'roleChanged')).toMatchObject([{ from: 'standby', to: 'active', reason: 'takeover' }]);
    return { r, inFlight, promotion };
  }

  it('a promotion starts every subscriber over: full updates from version 0 of both classes, even of an empty unchanged topic', () => {
    const { r, promotion } = promotedAgain();
    const after = sent(promotion, 1, 'updateState');
    expect(after.map((u) => u.deltas.map((d) => [d.topicName, d.isDelta, d.fromVersion, d.toVersion]))).toEqual([
      [[MEMBERSHIP, false, 0, 0]],
      [[CATALOG, false, 0, 3]],
    ]);
    expect(keysOf(after[1]?.deltas[0])).toEqual(['k1', 'k2', 'k3']);
    expect(after.every((u) => u.activeEpoch === activeEpochOf(r.state))).toBe(true);
  });

  it('a promotion drops the updates in flight: their late answers acknowledge nothing', () => {
    const { r, inFlight, promotion } = promotedAgain();
    expect(acked(r, 'a', CATALOG)).toBe(0);
    const fx = r.up(1, answer(inFlight.seq));
    expect(effectsOf(fx, 'topicUpdateAnswered')).toEqual([]);
    expect(acked(r, 'a', CATALOG)).toBe(0);
    // The full update sent on promotion is what counts.
    const full = sent(promotion, 1, 'updateState').find((u) => u.deltas[0]?.topicName === CATALOG);
    r.up(1, answer(full?.seq ?? -1));
    expect(acked(r, 'a', CATALOG)).toBe(3);
  });
});

describe('subscriber writes', () => {
  it('applies a publish and answers it accepted', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    const fx = r.up(1, { kind: 'publish', seq: 7, writes: [put(CATALOG, [['k', 'v']])] });
    expect(sent(fx, 1, 'publishResult')).toEqual([{ kind: 'publishResult', seq: 7, rejection: undefined }]);
    expect(new TextDecoder().decode(r.state.topics.topic(CATALOG)?.get('k')?.value)).toBe('v');
  });

  it('rejects a publish naming a topic the subscriber did not register as a whole, applying nothing; the stream stays up', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    const fx = r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['good', 'v']]), put('no-such-topic', [['bad', 'v']])] });
    const [result] = sent(fx, 1, 'publishResult');
    expect(result?.seq).toBe(1);
    expect(result?.rejection?.message).toContain("topic 'no-such-topic'");
    expect(effectsOf(fx, 'writesRejected')).toMatchObject([{ subscriberId: 'a' }]);
    expect(r.state.topics.topic(CATALOG)?.get('good')).toBeUndefined();
    expect(r.state.topics.topic(CATALOG)?.lastVersion).toBe(0);
    expect(r.state.topics.topic('no-such-topic')).toBeUndefined();
    expect(effectsOf(fx, 'closeLink')).toEqual([]);
    expect(r.state.subscribers.get('a')?.link).toBe(1);
  });

  it('rejects a value over statestore_max_topic_value_bytes the same way', () => {
    const r = new Rig({ ...UPDATE_FLAGS, statestore_max_topic_value_bytes: 4 });
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    const fx = r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['k', '12345']])] });
    expect(sent(fx, 1, 'publishResult')[0]?.rejection?.message).toContain('value is 5 bytes, limit 4');
    expect(r.state.topics.topic(CATALOG)?.get('k')).toBeUndefined();
  });

  it('applies writes carried in an update answer, and answers rejected ones with writeRejected, still applying resync requests', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG), topic('other')] });
    r.register(2, { subscriberId: 'w', topics: [topic('other')] });
    r.up(2, { kind: 'publish', seq: 1, writes: [put('other', [['o1', 'x'], ['o2', 'y']])] });
    let fx = r.advance(PRIORITY_UPDATE);
    const [u1] = sent(fx, 1, 'updateState');
    r.up(1, answer(u1?.seq ?? -1, { writes: [put(CATALOG, [['k', 'v']])] }));
    expect(r.state.topics.topic(CATALOG)?.get('k')?.deleted).toBe(false);
    expect(acked(r, 'a', 'other')).toBe(2);
    r.up(1, { kind: 'publish', seq: 2, writes: [put(CATALOG, [['k2', 'v']])] });
    fx = r.advance(UPDATE);
    const [u2] = sent(fx, 1, 'updateState');
    // A bad write and a resync request (from_version only) in one answer: the writes go, the resync applies.
    fx = r.up(1, answer(u2?.seq ?? -1, { writes: [put('elsewhere', [['x', 'y']]), { topicName: 'other', entries: [], isDelta: true, fromVersion: 1 }] }));
    expect(sent(fx, 1, 'writeRejected')).toEqual([{ kind: 'writeRejected', updateSeq: u2?.seq, rejection: { message: expect.stringContaining("topic 'elsewhere'") } }]);
    expect(r.state.topics.topic('elsewhere')).toBeUndefined();
    expect(acked(r, 'a', 'other')).toBe(1);
    expect(effectsOf(fx, 'closeLink')).toEqual([]);
    // The resync makes the next update of that topic start where the subscriber is.
    fx = r.advance(UPDATE);
    const resync = sent(fx, 1, 'updateState').flatMap((u) => u.deltas).find((d) => d.topicName === 'other');
    expect(resync).toMatchObject({ fromVersion: 1, toVersion: 2 });
    expect(keysOf(resync)).toEqual(['o2']);
  });

  it('reports clear_topic_entries requests', () => {
    const r = new Rig(UPDATE_FLAGS);
    r.register(1, { subscriberId: 'a', topics: [topic(CATALOG)] });
    r.up(1, { kind: 'publish', seq: 1, writes: [put(CATALOG, [['old', 'v']])] });
    const fx = r.up(1, { kind: 'publish', seq: 2, writes: [put(CATALOG, [['k', 'v']], { clearTopicEntries: true })] });
    expect(effectsOf(fx, 'topicEntriesCleared')).toEqual([{ kind: 'topicEntriesCleared', topicName: CATALOG }]);
    expect(r.state.topics.topic(CATALOG)?.get('old')).toBeUndefined();
  });
});
