import { status } from '@grpc/grpc-js';
import { createLogger } from '@statestore-ha/daemon';
import { ConnState, CURRENT_PROTOCOL_VERSION, SubscriberType, type RegisterRequest, type StatestoreMessage, type TopicDelta, type UpdateState } from '@statestore-ha/proto';
import { ALWAYS_ACTIVE, type RoleView } from './role-view';
import { Statestore, type StatestoreObserver, type StatestoreOptions } from './statestore';
import type { SessionLink, SubscriberSession } from './subscriber-session';

const CATALOG = 'catalog-update';
const MEMBERSHIP = 'impala-membership';
const HB = 100;
const UPDATE = 500;
const PRIORITY_UPDATE = 50;

const OPTS: StatestoreOptions = {
  heartbeatFrequencyMs: HB,
  maxMissedHeartbeats: 3,
  updateFrequencyMs: UPDATE,
  priorityUpdateFrequencyMs: PRIORITY_UPDATE,
  maxSubscribers: 10,
  updateTimeoutMs: 10_000,
  maxTopicValueBytes: 1024,
  enableCatalogdHa: false,
};

type DownKind = NonNullable<StatestoreMessage['kind']>;
type DownCase = DownKind['$case'];
type DownValue<K extends DownCase> = Extract<DownKind, { $case: K }>['value'];

/** The down side of one stream, recorded. */
class FakeSessionLink implements SessionLink {
  readonly sent: StatestoreMessage[] = [];
  closed: { code: number; message: string } | undefined;
  writable = true;
  private readonly drainFns: Array<() => void> = [];
  send(msg: StatestoreMessage): boolean {
    this.sent.push(msg);
    return this.writable;
  }
  onDrain(fn: () => void): void {
    this.drainFns.push(fn);
  }
  close(code: number, message: string): void {
    this.closed = { code, message };
  }
  drain(): void {
    this.writable = true;
    for (const fn of this.drainFns.splice(0)) fn();
  }
  of<K extends DownCase>(kind: K): Array<DownValue<K>> {
    return this.sent.flatMap((m) => (m.kind?.$case === kind ? [m.kind.value as DownValue<K>] : []));
  }
  updates(): UpdateState[] {
    return this.of('updateState');
  }
}

type ObsCall = [keyof StatestoreObserver, ...unknown[]];

class Rig {
  nowMs = 1_000_000;
  readonly obs: ObsCall[] = [];
  readonly roleCalls: Array<[string, ...unknown[]]> = [];
  readonly core: Statestore;

  constructor(opts: Partial<StatestoreOptions> = {}, role: Partial<RoleView> = {}) {
    const observer: StatestoreObserver = {
      subscribersChanged: (live) => this.obs.push(['subscribersChanged', live]),
      heartbeatAnswered: (s) => this.obs.push(['heartbeatAnswered', s]),
      heartbeatFailed: () => this.obs.push(['heartbeatFailed']),
      topicUpdateAnswered: (p, s) => this.obs.push(['topicUpdateAnswered', p, s]),
      registrationRejected: (r) => this.obs.push(['registrationRejected', r]),
      topicEntriesCleared: () => this.obs.push(['topicEntriesCleared']),
    };
    const roleView: RoleView = {
      ...ALWAYS_ACTIVE,
      subscriberRegistered: (id, epoch) => void this.roleCalls.push(['subscriberRegistered', id, epoch]),
      subscriberUnregistered: (id) => void this.roleCalls.push(['subscriberUnregistered', id]),
      connStateReported: (id, s) => void this.roleCalls.push(['connStateReported', id, s]),
      staleEpochReported: (id, e) => void this.roleCalls.push(['staleEpochReported', id, e]),
      ...role,
    };
    this.core = new Statestore({ ...OPTS, ...opts }, roleView, observer, createLogger('statestored', 'silent'), () => this.nowMs, 'ss-test');
  }

  advance(ms: number): void {
    this.nowMs += ms;
  }

  register(id: string, topics: Array<{ name: string; transient?: boolean }> = [{ name: CATALOG }], patch: Partial<RegisterRequest> = {}): { session: SubscriberSession; link: FakeSessionLink } {
    const link = new FakeSessionLink();
    const out = this.core.register(
      {
        protocolVersion: CURRENT_PROTOCOL_VERSION,
        subscriberId: id,
        subscriberLocation: { hostname: 'h', port: 27000 },
        topicRegistrations: topics.map((t) => ({ topicName: t.name, isTransient: t.transient ?? false, populateMinSubscriberTopicVersion: false })),
        subscriberType: SubscriberType.SUBSCRIBER_TYPE_COORDINATOR,
        subscribeCatalogdChange: false,
        highestEpochSeen: 0,
        ...patch,
      },
      link,
    );
    if ('code' in out) throw new Error(`registration rejected: ${out.message}`);
    return { session: out, link };
  }

  /** Writes through a Publish and returns the PublishResult. */
  publish(session: SubscriberSession, link: FakeSessionLink, topicUpdates: TopicDelta[], seq = 1): Array<DownValue<'publishResult'>> {
    this.core.published(session, { seq, topicUpdates });
    return link.of('publishResult').filter((r) => r.seq === seq);
  }

  /** Answers the newest update on `link` as applied (no writes back). */
  ack(session: SubscriberSession, link: FakeSessionLink, patch: { skipped?: boolean; staleEpoch?: boolean; highestEpochSeen?: number; topicUpdates?: TopicDelta[] } = {}): void {
    const u = link.updates().at(-1);
    if (u === undefined) throw new Error('no update to answer');
    this.core.updateAnswered(session, { seq: u.seq, topicUpdates: patch.topicUpdates ?? [], skipped: patch.skipped ?? false, staleEpoch: patch.staleEpoch ?? false, highestEpochSeen: patch.highestEpochSeen ?? 0 });
  }
}

const put = (topicName: string, entries: Array<[string, string]>, extra: Partial<TopicDelta> = {}): TopicDelta => ({
  topicName,
  topicEntries: entries.map(([key, v]) => ({ key, value: Buffer.from(v), deleted: false })),
  isDelta: true,
  ...extra,
});

const keysOf = (d: TopicDelta | undefined): string[] => (d?.topicEntries ?? []).map((e) => e.key);

describe('Statestore registration', () => {
  it('answers a registration with a RegisterResponse naming this statestore, its role and epoch', () => {
    const r = new Rig();
    const { session, link } = r.register('impalad@h:27000');
    expect(link.of('register')).toEqual([
      { registrationId: session.registrationId, protocolVersion: CURRENT_PROTOCOL_VERSION, statestoreId: 'ss-test', statestoreIsActive: true, activeEpoch: 0 },
    ]);
    expect(session.registrationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.core.liveSubscribers).toBe(1);
    expect(r.obs).toContainEqual(['subscribersChanged', 1]);
    expect(r.roleCalls).toEqual([['subscriberRegistered', 'impalad@h:27000', 0]]);
  });

  it('reports the role view: a standby says so, under the epoch it knows', () => {
    const r = new Rig({}, { isActive: () => false, activeEpoch: () => 4 });
    const { link } = r.register('a');
    expect(link.of('register')[0]).toMatchObject({ statestoreIsActive: false, activeEpoch: 4 });
  });

  it('returns a rejection without sending anything or keeping state', () => {
    const r = new Rig({ maxSubscribers: 1 });
    r.register('a');
    const link = new FakeSessionLink();
    const out = r.core.register(
      { protocolVersion: CURRENT_PROTOCOL_VERSION, subscriberId: 'b', topicRegistrations: [], subscriberType: SubscriberType.SUBSCRIBER_TYPE_EXECUTOR, subscribeCatalogdChange: false, highestEpochSeen: 0 },
      link,
    );
    expect(out).toMatchObject({ code: status.RESOURCE_EXHAUSTED, reason: 'max_subscribers' });
    expect(link.sent).toEqual([]);
    expect(r.core.liveSubscribers).toBe(1);
    expect(r.obs).toContainEqual(['registrationRejected', 'max_subscribers']);
  });

  it('a re-registration of the same id replaces the old one: its link is closed ABORTED and its transient entries go', () => {
    const r = new Rig();
    const old = r.register('impalad@h:27000', [{ name: MEMBERSHIP, transient: true }]);
    r.publish(old.session, old.link, [put(MEMBERSHIP, [['impalad@h:27000', 'v1']])]);
    expect(r.core.topics.topic(MEMBERSHIP)?.get('impalad@h:27000')?.deleted).toBe(false);
    const fresh = r.register('impalad@h:27000', [{ name: MEMBERSHIP, transient: true }]);
    expect(old.link.closed?.code).toBe(status.ABORTED);
    expect(fresh.link.closed).toBeUndefined();
    expect(r.core.liveSubscribers).toBe(1);
    expect(r.core.topics.topic(MEMBERSHIP)?.get('impalad@h:27000')?.deleted).toBe(true);
  });
});

describe('Statestore topic updates', () => {
  it('sends the first update of a registration even when the topic is empty: from 0, full', () => {
    const r = new Rig();
    const { link } = r.register('a');
    r.core.updateTick(false);
    expect(link.updates()).toEqual([
      {
        seq: 1,
        activeEpoch: 0,
        topicDeltas: [{ topicName: CATALOG, topicEntries: [], isDelta: false, fromVersion: 0, toVersion: 0, minSubscriberTopicVersion: undefined, clearTopicEntries: undefined }],
      },
    ]);
    // Priority updates carry only priority topics: this subscriber has none.
    r.core.updateTick(true);
    expect(link.updates()).toHaveLength(1);
  });

  it('keeps one update in flight per class: nothing more until it is answered', () => {
    const r = new Rig();
    const { link } = r.register('a');
    r.core.updateTick(false);
    r.advance(UPDATE * 3);
    r.core.updateTick(false);
    expect(link.updates()).toHaveLength(1);
  });

  it('acknowledges an answered update: the next one is a delta from the acknowledged version, with only what changed', () => {
    const r = new Rig();
    const w = r.register('writer', [{ name: CATALOG }]);
    r.publish(w.session, w.link, [put(CATALOG, [['k1', 'v1']])]);
    const s = r.register('reader', [{ name: CATALOG }]);
    r.core.updateTick(false);
    expect(keysOf(s.link.updates()[0]?.topicDeltas[0])).toEqual(['k1']);
    expect(s.link.updates()[0]?.topicDeltas[0]).toMatchObject({ isDelta: false, fromVersion: 0, toVersion: 1 });
    r.advance(20);
    r.ack(s.session, s.link);
    expect(r.core.topics.subscriber('reader')?.topics.get(CATALOG)?.lastVersion).toBe(1);
    expect(r.obs).toContainEqual(['topicUpdateAnswered', false, 0.02]);
    // Nothing new: no update at the next period.
    r.advance(UPDATE);
    r.core.updateTick(false);
    expect(s.link.updates()).toHaveLength(1);
    r.publish(w.session, w.link, [put(CATALOG, [['k2', 'v2']])], 2);
    r.core.updateTick(false);
    expect(s.link.updates()).toHaveLength(2);
    expect(s.link.updates()[1]?.topicDeltas[0]).toMatchObject({ isDelta: true, fromVersion: 1, toVersion: 2 });
    expect(keysOf(s.link.updates()[1]?.topicDeltas[0])).toEqual(['k2']);
  });

  it('a gap-detection round with nothing new does not hold back a change made just after it', () => {
    const r = new Rig();
    const w = r.register('writer', [{ name: CATALOG }]);
    r.publish(w.session, w.link, [put(CATALOG, [['k1', 'v1']])]);
    const s = r.register('reader', [{ name: CATALOG }]);
    r.core.updateTick(false);
    r.ack(s.session, s.link);
    // Ten periods on, every topic goes out again, changed or not (how a gap on a quiet topic shows).
    r.advance(10 * UPDATE);
    r.core.updateTick(false);
    expect(s.link.updates()).toHaveLength(2);
    expect(keysOf(s.link.updates()[1]?.topicDeltas[0])).toEqual([]);
    r.ack(s.session, s.link);
    r.publish(w.session, w.link, [put(CATALOG, [['k2', 'v2']])], 2);
    r.advance(10);
    r.core.updateTick(false);
    expect(s.link.updates()).toHaveLength(3);
    expect(keysOf(s.link.updates()[2]?.topicDeltas[0])).toEqual(['k2']);
    // A change did use up the spacing: the next one waits out the period.
    r.ack(s.session, s.link);
    r.publish(w.session, w.link, [put(CATALOG, [['k3', 'v3']])], 3);
    r.advance(10);
    r.core.updateTick(false);
    expect(s.link.updates()).toHaveLength(3);
    r.advance(UPDATE);
    r.core.updateTick(false);
    expect(keysOf(s.link.updates()[3]?.topicDeltas[0])).toEqual(['k3']);
  });

  it('waits a full period after a skipped answer, and then sends the same update again', () => {
    const r = new Rig();
    const { session, link } = r.register('a');
    r.core.updateTick(false); // t0; without the skip the next could go at t0 + UPDATE
    r.advance(UPDATE / 2);
    r.ack(session, link, { skipped: true }); // t0 + UPDATE/2: not before t0 + 1.5 UPDATE now
    r.advance(UPDATE / 2 + 10);
    r.core.updateTick(false);
    expect(link.updates()).toHaveLength(1);
    r.advance(UPDATE / 2);
    r.core.updateTick(false);
    expect(link.updates()).toHaveLength(2);
    expect(link.updates()[1]?.topicDeltas[0]).toMatchObject({ isDelta: false, fromVersion: 0 });
    expect(r.obs.filter((c) => c[0] === 'topicUpdateAnswered')).toEqual([]);
  });

  it('does not acknowledge an answer that says staleEpoch, and tells the role view of the newer epoch', () => {
    const r = new Rig({}, { activeEpoch: () => 3 });
    const w = r.register('w');
    r.publish(w.session, w.link, [put(CATALOG, [['k', 'v']])]);
    r.core.updateTick(false);
    r.ack(w.session, w.link, { staleEpoch: true, highestEpochSeen: 5 });
    expect(r.core.topics.subscriber('w')?.topics.get(CATALOG)?.lastVersion).toBe(0);
    expect(r.roleCalls).toContainEqual(['staleEpochReported', 'w', 5]);
  });

  it('sends no topic updates while not active or with the network disabled', () => {
    let active = false;
    const r = new Rig({}, { isActive: () => active });
    const { link } = r.register('a');
    r.core.updateTick(false);
    expect(link.updates()).toEqual([]);
    active = true;
    r.core.setNetworkDisabled(true);
    r.core.updateTick(false);
    expect(link.updates()).toEqual([]);
    r.core.setNetworkDisabled(false);
    r.core.updateTick(false);
    expect(link.updates()).toHaveLength(1);
  });

  it('stops sending updates to a congested link until it drains', () => {
    const r = new Rig();
    const { session, link } = r.register('a');
    link.writable = false;
    r.core.updateTick(false);
    r.ack(session, link);
    r.publish(session, link, [put(CATALOG, [['k', 'v']])]);
    r.advance(UPDATE);
    r.core.updateTick(false);
    expect(link.updates()).toHaveLength(1);
    link.drain();
    r.core.updateTick(false);
    expect(link.updates()).toHaveLength(2);
  });

  it('startOver() starts every subscriber from version 0 again: the next update is full', () => {
    const r = new Rig();
    const s = r.register('a');
    r.publish(s.session, s.link, [put(CATALOG, [['k1', 'v1'], ['k2', 'v2']])]);
    r.core.updateTick(false);
    r.ack(s.session, s.link);
    expect(r.core.topics.subscriber('a')?.topics.get(CATALOG)?.lastVersion).toBe(2);
    r.core.startOver();
    expect(r.core.topics.subscriber('a')?.topics.get(CATALOG)?.lastVersion).toBe(0);
    r.advance(UPDATE);
    r.core.updateTick(false);
    const last = s.link.updates().at(-1);
    expect(s.link.updates()).toHaveLength(2);
    expect(last?.topicDeltas[0]).toMatchObject({ isDelta: false, fromVersion: 0, toVersion: 2 });
    expect(keysOf(last?.topicDeltas[0])).toEqual(['k1', 'k2']);
  });

  it('startOver() sends a full update even of an empty, unchanged topic: that is what makes subscribers republish', () => {
    const r = new Rig();
    const s = r.register('a', [{ name: CATALOG }, { name: MEMBERSHIP }]);
    r.core.updateTick(false);
    r.core.updateTick(true);
    for (const u of s.link.updates()) r.core.updateAnswered(s.session, { seq: u.seq, topicUpdates: [], skipped: false, staleEpoch: false, highestEpochSeen: 0 });
    r.advance(UPDATE);
    r.core.updateTick(false);
    r.core.updateTick(true);
    // Nothing changed and the next full round is periods away: nothing goes out ...
    expect(s.link.updates()).toHaveLength(2);
    r.core.startOver();
    r.core.updateTick(false);
    r.core.updateTick(true);
    // ... until the start-over, after which both classes go out in full from version 0.
    expect(s.link.updates().slice(2).map((u) => u.topicDeltas.map((d) => [d.topicName, d.isDelta, d.fromVersion]))).toEqual([[[CATALOG, false, 0]], [[MEMBERSHIP, false, 0]]]);
  });

  it('startOver() drops updates in flight, so their late answers acknowledge nothing', () => {
    const r = new Rig();
    const s = r.register('a');
    r.publish(s.session, s.link, [put(CATALOG, [['k', 'v']])]);
    r.core.updateTick(false);
    r.core.startOver();
    r.ack(s.session, s.link);
    expect(r.core.topics.subscriber('a')?.topics.get(CATALOG)?.lastVersion).toBe(0);
  });
});

describe('Statestore writes', () => {
  it('applies a publish and answers accepted', () => {
    const r = new Rig();
    const s = r.register('a');
    expect(r.publish(s.session, s.link, [put(CATALOG, [['k', 'v']])], 7)).toEqual([{ seq: 7, accepted: true, code: status.OK, message: '' }]);
    expect(Buffer.from(r.core.topics.topic(CATALOG)?.get('k')?.value ?? []).toString()).toBe('v');
  });

  it('rejects a publish naming a topic the subscriber did not register as a whole, with INVALID_ARGUMENT, applying nothing', () => {
    const r = new Rig();
    const s = r.register('a');
    const result = r.publish(s.session, s.link, [put(CATALOG, [['good', 'v']]), put('no-such-topic', [['bad', 'v']])]);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ seq: 1, accepted: false, code: status.INVALID_ARGUMENT });
    expect(result[0]?.message).toContain("topic 'no-such-topic'");
    expect(r.core.topics.topic(CATALOG)?.get('good')).toBeUndefined();
    expect(r.core.topics.topic(CATALOG)?.lastVersion).toBe(0);
    expect(r.core.topics.topic('no-such-topic')).toBeUndefined();
  });

  it('rejects a value over statestore_max_topic_value_bytes the same way', () => {
    const r = new Rig({ maxTopicValueBytes: 4 });
    const s = r.register('a');
    const [res] = r.publish(s.session, s.link, [put(CATALOG, [['k', '12345']])]);
    expect(res).toMatchObject({ accepted: false, code: status.INVALID_ARGUMENT });
    expect(r.core.topics.topic(CATALOG)?.get('k')).toBeUndefined();
  });

  it('applies writes carried in an update answer, and answers rejected ones with WriteRejected', () => {
    const r = new Rig();
    const s = r.register('a');
    r.core.updateTick(false);
    r.ack(s.session, s.link, { topicUpdates: [put(CATALOG, [['k', 'v']])] });
    expect(r.core.topics.topic(CATALOG)?.get('k')?.deleted).toBe(false);
    r.advance(UPDATE);
    r.core.updateTick(false);
    const seq = s.link.updates().at(-1)?.seq ?? -1;
    r.ack(s.session, s.link, { topicUpdates: [put('elsewhere', [['x', 'y']])] });
    expect(s.link.of('writeRejected')).toEqual([{ updateSeq: seq, code: status.INVALID_ARGUMENT, message: expect.stringContaining("topic 'elsewhere'") }]);
  });

  it('counts clear_topic_entries requests', () => {
    const r = new Rig();
    const s = r.register('a');
    r.publish(s.session, s.link, [put(CATALOG, [['k', 'v']], { clearTopicEntries: true })]);
    expect(r.obs.filter((c) => c[0] === 'topicEntriesCleared')).toHaveLength(1);
  });
});

describe('Statestore heartbeats', () => {
  /** Past the random first-heartbeat offset (< one interval after registration). */
  const firstHeartbeat = (r: Rig): void => {
    r.advance(HB);
    r.core.heartbeatTick();
  };

  it('sends a heartbeat each interval and counts the answer as a round trip', () => {
    const r = new Rig();
    const s = r.register('a');
    firstHeartbeat(r);
    expect(s.link.of('heartbeat')).toEqual([{ seq: 1, requestStatestoreConnState: false }]);
    r.advance(7);
    r.core.heartbeatAnswered(s.session, { seq: 1, statestoreConnState: ConnState.CONN_STATE_UNKNOWN, highestEpochSeen: 0 });
    expect(r.obs).toContainEqual(['heartbeatAnswered', 0.007]);
    r.advance(HB);
    r.core.heartbeatTick();
    expect(s.link.of('heartbeat').map((h) => h.seq)).toEqual([1, 2]);
    expect(s.session.missedHeartbeats).toBe(0);
  });

  it('asks for the conn state only when the role view wants it, and passes the answers on', () => {
    const r = new Rig({}, { requestConnState: () => true });
    const s = r.register('a');
    firstHeartbeat(r);
    expect(s.link.of('heartbeat')[0]?.requestStatestoreConnState).toBe(true);
    r.core.heartbeatAnswered(s.session, { seq: 1, statestoreConnState: ConnState.CONN_STATE_FAILED, highestEpochSeen: 0 });
    expect(r.roleCalls).toContainEqual(['connStateReported', 'a', ConnState.CONN_STATE_FAILED]);
  });

  it('unregisters a subscriber after statestore_max_missed_heartbeats misses: link closed UNAVAILABLE, transient entries deleted', () => {
    const r = new Rig({ maxMissedHeartbeats: 3 });
    const s = r.register('impalad@h:27000', [{ name: MEMBERSHIP, transient: true }]);
    r.publish(s.session, s.link, [put(MEMBERSHIP, [['impalad@h:27000', 'me']])]);
    firstHeartbeat(r); // sent, never answered
    for (let miss = 1; miss <= 2; miss++) {
      r.advance(HB);
      r.core.heartbeatTick();
      expect(s.session.missedHeartbeats).toBe(miss);
      expect(r.core.liveSubscribers).toBe(1);
    }
    r.advance(HB);
    r.core.heartbeatTick();
    expect(r.core.liveSubscribers).toBe(0);
    expect(s.link.closed).toEqual({ code: status.UNAVAILABLE, message: 'subscriber missed 3 consecutive heartbeats and was unregistered' });
    expect(r.core.topics.topic(MEMBERSHIP)?.get('impalad@h:27000')?.deleted).toBe(true);
    expect(r.obs.filter((c) => c[0] === 'heartbeatFailed')).toHaveLength(3);
    expect(r.roleCalls).toContainEqual(['subscriberUnregistered', 'impalad@h:27000']);
  });

  it('an answer resets the miss count', () => {
    const r = new Rig({ maxMissedHeartbeats: 3 });
    const s = r.register('a');
    firstHeartbeat(r);
    for (let i = 0; i < 6; i++) {
      r.advance(HB);
      r.core.heartbeatTick();
      if (i % 2 === 1) {
        const last = s.link.of('heartbeat').at(-1);
        r.core.heartbeatAnswered(s.session, { seq: last?.seq ?? 0, statestoreConnState: ConnState.CONN_STATE_UNKNOWN, highestEpochSeen: 0 });
      }
    }
    expect(r.core.liveSubscribers).toBe(1);
  });

  it('keeps a registration whose stream closed until its heartbeats fail (as Impala does)', () => {
    const r = new Rig({ maxMissedHeartbeats: 2 });
    const s = r.register('a', [{ name: MEMBERSHIP, transient: true }]);
    r.publish(s.session, s.link, [put(MEMBERSHIP, [['a', 'me']])]);
    r.core.linkClosed(s.session, s.link);
    expect(r.core.liveSubscribers).toBe(1);
    expect(r.core.topics.topic(MEMBERSHIP)?.get('a')?.deleted).toBe(false);
    r.advance(HB);
    r.core.heartbeatTick();
    expect(r.core.liveSubscribers).toBe(1);
    r.advance(HB);
    r.core.heartbeatTick();
    expect(r.core.liveSubscribers).toBe(0);
    expect(r.core.topics.topic(MEMBERSHIP)?.get('a')?.deleted).toBe(true);
    expect(s.link.of('heartbeat')).toEqual([]);
  });

  it('unregister() (the subscriber sent Unregister) drops it at once with its transient entries, durable ones stay', () => {
    const r = new Rig();
    const s = r.register('a', [{ name: MEMBERSHIP, transient: true }, { name: CATALOG }]);
    r.publish(s.session, s.link, [put(MEMBERSHIP, [['a', 'me']]), put(CATALOG, [['t', 'table']])]);
    r.core.unregister(s.session, 'subscriber unregistered itself');
    expect(r.core.liveSubscribers).toBe(0);
    expect(r.core.topics.topic(MEMBERSHIP)?.get('a')?.deleted).toBe(true);
    expect(r.core.topics.topic(CATALOG)?.get('t')?.deleted).toBe(false);
    expect(r.obs.at(-1)).toEqual(['subscribersChanged', 0]);
  });

  it('unregister() of a superseded session does nothing to its successor', () => {
    const r = new Rig();
    const old = r.register('a', [{ name: MEMBERSHIP, transient: true }]);
    const fresh = r.register('a', [{ name: MEMBERSHIP, transient: true }]);
    r.publish(fresh.session, fresh.link, [put(MEMBERSHIP, [['a', 'me']])]);
    r.core.unregister(old.session, 'late');
    expect(r.core.liveSubscribers).toBe(1);
    expect(r.core.topics.topic(MEMBERSHIP)?.get('a')?.deleted).toBe(false);
  });

  it('with the network disabled every interval is a miss and nothing is sent', () => {
    const r = new Rig({ maxMissedHeartbeats: 2 });
    const s = r.register('a');
    r.core.setNetworkDisabled(true);
    firstHeartbeat(r);
    r.advance(HB);
    r.core.heartbeatTick();
    expect(s.link.of('heartbeat')).toEqual([]);
    expect(r.core.liveSubscribers).toBe(0);
  });

  it('tells the role view of a subscriber that has seen a newer epoch', () => {
    const r = new Rig({}, { activeEpoch: () => 2 });
    const s = r.register('a');
    r.core.heartbeatAnswered(s.session, { seq: 0, statestoreConnState: ConnState.CONN_STATE_OK, highestEpochSeen: 2 });
    expect(r.roleCalls.filter((c) => c[0] === 'staleEpochReported')).toEqual([]);
    r.core.heartbeatAnswered(s.session, { seq: 0, statestoreConnState: ConnState.CONN_STATE_OK, highestEpochSeen: 3 });
    expect(r.roleCalls).toContainEqual(['staleEpochReported', 'a', 3]);
  });
});
