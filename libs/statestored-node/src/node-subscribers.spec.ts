/**
 * Registrations, heartbeats and the subscriber pages on the pure node (Impala:
 * RegisterSubscriber, UnregisterSubscriber, the heartbeat pool, MissedHeartbeatFailureDetector,
 * /subscribers, /topics): what the deleted apps/statestored statestore.spec.ts and
 * web-pages.spec.ts asserted, driven through startNode/step with no sockets or timers.
 */
import type { TopicDeltaData } from '@statestore-ha/topics';
import type { LinkId, UpMessage } from './messages';
import type { StatestoredNodeFlags } from './node-config';
import type { NodeEffect } from './node-effects';
import { isRegistered, liveSubscribers, roleOf, subscribersPage, takeoverView, topicsPage } from './node-queries';
import { CATALOG, MEMBERSHIP, Rig, activePeer, effectsOf, isHeartbeat, put, sent, topic } from './node-rig.spec-helper';

// ---- registrations ---------------------------------------------------------------------------

const publish = (r: Rig, link: LinkId, writes: TopicDeltaData[]): NodeEffect[] => r.up(link, { kind: 'publish', seq: 1, writes });
const entry = (r: Rig, topicName: string, key: string) => r.state.topics.topic(topicName)?.get(key);

describe('registration', () => {
  it('answers with a registration reply naming this statestored, its role and epoch, and counts the subscriber live', () => {
    const r = new Rig();
    const fx = r.register(1, { subscriberId: 'impalad@h:27000', topics: [topic(CATALOG)] });
    expect(sent(fx, 1, 'registered')).toEqual([{ kind: 'registered', registrationId: 'reg-1', statestoreId: 'ss-test', isActive: true, activeEpoch: 0, catalogd: undefined }]);
    expect(effectsOf(fx, 'subscriberRegistered')).toEqual([{ kind: 'subscriberRegistered', subscriberId: 'impalad@h:27000', registrationId: 'reg-1', topics: 1, live: 1 }]);
    expect(liveSubscribers(r.state)).toBe(1);
  });

  it('a standby says so, under the epoch it knows, and counts the subscriber for its takeover rule', () => {
    const r = new Rig({ enable_statestored_ha: true }, activePeer(4));
    expect(roleOf(r.state)).toBe('standby');
    const fx = r.register(1, { subscriberId: 'a' });
    expect(sent(fx, 1, 'registered')[0]).toMatchObject({ isActive: false, activeEpoch: 4 });
    expect(takeoverView(r.state, r.now)?.lostActive).toEqual({ failed: 0, total: 1, refused: 0 });
  });

  it('refuses with a reason, sending nothing and keeping nothing (statestore_max_subscribers)', () => {
    const r = new Rig({ statestore_max_subscribers: 1 });
    r.register(1, { subscriberId: 'a' });
    const fx = r.register(2, { subscriberId: 'b', subscriberType: 'EXECUTOR' });
    expect(fx).toEqual([
      { kind: 'registrationRejected', subscriberId: 'b', reason: 'maxSubscribers', message: 'Maximum subscriber limit reached: 1' },
      { kind: 'closeLink', link: 2, reason: 'maxSubscribers', message: 'Maximum subscriber limit reached: 1' },
    ]);
    expect(liveSubscribers(r.state)).toBe(1);
    expect(isRegistered(r.state, 'b')).toBe(false);
    // The refused stream is nobody's: what comes on it next is a protocol violation.
    expect(effectsOf(r.up(2, { kind: 'unregister' }), 'closeLink')).toMatchObject([{ link: 2, reason: 'protocolViolation' }]);
  });

  it('refuses registrations with notReady while the HA role is starting, and accepts them once it settled', () => {
    let answerHandshakes = false;
    const r = new Rig({ enable_statestored_ha: true, statestore_peer_cnxn_attempts: 2, statestore_ha_preemption_wait_period_ms: 200 }, (fx) =>
      fx.kind === 'sendHandshake' && answerHandshakes
        ? { kind: 'haHandshakeAnswered', seq: fx.seq, reply: { statestoreId: 'peer', isActive: true, epoch: 0 } }
        : fx.kind === 'sendHandshake'
          ? { kind: 'haHandshakeFailed', seq: fx.seq }
          : { kind: 'haHeartbeatFailed', seq: fx.seq },
    );
    expect(roleOf(r.state)).toBe('starting');
    const fx = r.register(1, { subscriberId: 'a' });
    expect(effectsOf(fx, 'registrationRejected')).toMatchObject([{ subscriberId: 'a', reason: 'notReady' }]);
    expect(effectsOf(fx, 'closeLink')).toMatchObject([{ link: 1, reason: 'notReady' }]);
    expect(sent(fx, 1, 'registered')).toEqual([]);
    answerHandshakes = true;
    r.advance(100);
    expect(roleOf(r.state)).toBe('standby');
    expect(sent(r.register(2, { subscriberId: 'a' }), 2, 'registered')).toHaveLength(1);
  });

  it('refuses registrations with networkDisabled while DISABLE_STATESTORE_NETWORK is on', () => {
    const r = new Rig();
    r.step({ kind: 'setNetworkDisabled', disabled: true });
    expect(effectsOf(r.register(1, { subscriberId: 'a' }), 'closeLink')).toMatchObject([{ link: 1, reason: 'networkDisabled' }]);
    r.step({ kind: 'setNetworkDisabled', disabled: false });
    expect(sent(r.register(2, { subscriberId: 'a' }), 2, 'registered')).toHaveLength(1);
  });

  it('refuses an older protocol version with its reason', () => {
    const r = new Rig();
    expect(effectsOf(r.register(1, { subscriberId: 'a', protocolVersion: 0 }), 'closeLink')).toMatchObject([{ link: 1, reason: 'protocolVersion' }]);
  });

  it('ends a stream that sends anything before register, or registers twice', () => {
    const r = new Rig();
    expect(effectsOf(r.up(1, { kind: 'heartbeat', seq: 1, connState: 'OK', highestEpochSeen: 0 }), 'closeLink')).toMatchObject([{ link: 1, reason: 'protocolViolation' }]);
    r.register(2, { subscriberId: 'a' });
    const fx = r.register(2, { subscriberId: 'b' });
    expect(fx).toEqual([{ kind: 'closeLink', link: 2, reason: 'protocolViolation', message: 'this stream is already registered as a; open a new stream to register again' }]);
    expect(isRegistered(r.state, 'b')).toBe(false);
  });

  it('a re-registration of the same id supersedes the old one: its stream is closed with reason superseded and its transient entries go', () => {
    const r = new Rig();
    r.register(1, { subscriberId: 'impalad@h:27000', topics: [topic(MEMBERSHIP, true)] });
    publish(r, 1, [put(MEMBERSHIP, [['impalad@h:27000', 'v1']])]);
    expect(entry(r, MEMBERSHIP, 'impalad@h:27000')?.deleted).toBe(false);
    const fx = r.register(2, { subscriberId: 'impalad@h:27000', topics: [topic(MEMBERSHIP, true)] });
    expect(effectsOf(fx, 'subscriberUnregistered')).toMatchObject([{ subscriberId: 'impalad@h:27000', registrationId: 'reg-1', reason: 'superseded', transientEntriesDeleted: 1 }]);
    expect(effectsOf(fx, 'closeLink')).toEqual([
      { kind: 'closeLink', link: 1, reason: 'superseded', message: 'registration reg-1 of impalad@h:27000 was superseded by a newer registration of the same subscriber id' },
    ]);
    expect(sent(fx, 2, 'registered')).toHaveLength(1);
    expect(liveSubscribers(r.state)).toBe(1);
    expect(entry(r, MEMBERSHIP, 'impalad@h:27000')?.deleted).toBe(true);
  });
});

describe('unregister and the end of a stream', () => {
  it('unregister drops the subscriber at once with its transient entries; durable ones stay; the stream ends cleanly', () => {
    const r = new Rig();
    r.register(1, { subscriberId: 'a', topics: [topic(MEMBERSHIP, true), topic(CATALOG)] });
    publish(r, 1, [put(MEMBERSHIP, [['a', 'me']]), put(CATALOG, [['t', 'table']])]);
    const fx = r.up(1, { kind: 'unregister' });
    expect(liveSubscribers(r.state)).toBe(0);
    expect(entry(r, MEMBERSHIP, 'a')?.deleted).toBe(true);
    expect(entry(r, CATALOG, 't')?.deleted).toBe(false);
    expect(effectsOf(fx, 'subscriberUnregistered')).toMatchObject([{ subscriberId: 'a', reason: 'unregistered', transientEntriesDeleted: 1, live: 0 }]);
    expect(effectsOf(fx, 'closeLink')).toEqual([{ kind: 'closeLink', link: 1, reason: 'unregistered', message: 'unregistered' }]);
  });

  it("an unregister on a superseded registration's stream does nothing to its successor", () => {
    const r = new Rig();
    r.register(1, { subscriberId: 'a', topics: [topic(MEMBERSHIP, true)] });
    r.register(2, { subscriberId: 'a', topics: [topic(MEMBERSHIP, true)] });
    publish(r, 2, [put(MEMBERSHIP, [['a', 'me']])]);
    const fx = r.up(1, { kind: 'unregister' });
    expect(effectsOf(fx, 'subscriberUnregistered')).toEqual([]);
    expect(liveSubscribers(r.state)).toBe(1);
    expect(entry(r, MEMBERSHIP, 'a')?.deleted).toBe(false);
  });

  it('keeps a registration whose stream ended until its heartbeats fail (as Impala does), sending it nothing', () => {
    const r = new Rig(HB_FLAGS({ statestore_max_missed_heartbeats: 2 }));
    r.register(1, { subscriberId: 'a', topics: [topic(MEMBERSHIP, true)] });
    publish(r, 1, [put(MEMBERSHIP, [['a', 'me']])]);
    let fx = r.step({ kind: 'linkClosed', link: 1 });
    expect(fx).toEqual([]);
    expect(liveSubscribers(r.state)).toBe(1);
    expect(entry(r, MEMBERSHIP, 'a')?.deleted).toBe(false);
    // Each heartbeat that cannot go out is missed at once; the next one is a period later.
    fx = r.until((e) => e.kind === 'heartbeatMissed', HB + HB_LOOP);
    expect(effectsOf(fx, 'heartbeatMissed')).toEqual([{ kind: 'heartbeatMissed', subscriberId: 'a', missed: 1, why: 'noLink' }]);
    expect(liveSubscribers(r.state)).toBe(1);
    const firstMiss = r.now;
    fx = r.until((e) => e.kind === 'heartbeatMissed', HB + HB_LOOP);
    expect(r.now - firstMiss).toBe(HB);
    expect(effectsOf(fx, 'heartbeatMissed')).toMatchObject([{ missed: 2, why: 'noLink' }]);
    expect(effectsOf(fx, 'subscriberUnregistered')).toMatchObject([{ subscriberId: 'a', reason: 'missedHeartbeats', transientEntriesDeleted: 1 }]);
    // Its stream is gone already: nothing to close.
    expect(effectsOf(fx, 'closeLink')).toEqual([]);
    expect(entry(r, MEMBERSHIP, 'a')?.deleted).toBe(true);
    expect(fx.filter((e) => e.kind === 'send')).toEqual([]);
  });
});

// ---- heartbeats ---------------------------------------------------------------------------------

const HB = 100;
/** The node's heartbeat loop runs every quarter period (at most 50 ms). */
const HB_LOOP = 25;
const HB_FLAGS = (extra: Partial<StatestoredNodeFlags> = {}): Partial<StatestoredNodeFlags> => ({
  statestore_heartbeat_frequency_ms: HB,
  statestore_heartbeat_tcp_timeout_seconds: 1,
  statestore_max_missed_heartbeats: 3,
  ...extra,
});
const hbAnswer = (seq: number, patch: Partial<Extract<UpMessage, { kind: 'heartbeat' }>> = {}): UpMessage => ({ kind: 'heartbeat', seq, connState: 'UNKNOWN', highestEpochSeen: 0, ...patch });
const missedOf = (r: Rig, id: string): number | null | undefined => r.state.subscribers.get(id)?.heartbeat.detector.missed;

describe('heartbeats', () => {
  it('sends one heartbeat per period and reports the round trip of its answer', () => {
    const r = new Rig(HB_FLAGS());
    const registeredAt = r.now;
    r.register(1, { subscriberId: 'a' });
    // The first one goes within one period of the registration (a random phase).
    let fx = r.until(isHeartbeat, HB + HB_LOOP);
    expect(r.now - registeredAt).toBeLessThanOrEqual(HB + HB_LOOP);
    expect(sent(fx, 1, 'heartbeat')).toEqual([{ kind: 'heartbeat', seq: 1, requestConnState: false }]);
    const firstAt = r.now;
    r.advance(7);
    fx = r.up(1, hbAnswer(1));
    expect(effectsOf(fx, 'heartbeatAnswered')).toEqual([{ kind: 'heartbeatAnswered', roundTripMs: 7 }]);
    fx = r.until(isHeartbeat, HB + HB_LOOP);
    expect(sent(fx, 1, 'heartbeat').map((h) => h.seq)).toEqual([2]);
    expect(r.now - firstAt).toBeGreaterThanOrEqual(HB);
    expect(r.now - firstAt).toBeLessThan(HB + HB_LOOP);
    expect(missedOf(r, 'a')).toBe(0);
  });

  it('keeps one heartbeat outstanding: unanswered, it is missed after statestore_heartbeat_tcp_timeout_seconds, and the next goes a period later', () => {
    const r = new Rig(HB_FLAGS());
    r.register(1, { subscriberId: 'a' });
    r.until(isHeartbeat, HB + HB_LOOP);
    const sentAt = r.now;
    // Within the timeout nothing more goes out and nothing is missed.
    let fx = r.until((e) => e.kind === 'heartbeatMissed', 1000 + HB_LOOP);
    expect(fx.filter(isHeartbeat)).toEqual([]);
    expect(r.now - sentAt).toBeGreaterThanOrEqual(1000);
    expect(r.now - sentAt).toBeLessThan(1000 + HB_LOOP);
    expect(effectsOf(fx, 'heartbeatMissed')).toEqual([{ kind: 'heartbeatMissed', subscriberId: 'a', missed: 1, why: 'timeout' }]);
    const missedAt = r.now;
    fx = r.until(isHeartbeat, HB + HB_LOOP);
    expect(sent(fx, 1, 'heartbeat').map((h) => h.seq)).toEqual([2]);
    expect(r.now - missedAt).toBe(HB);
  });

  it('unregisters a subscriber after statestore_max_missed_heartbeats timeouts: stream closed with missedHeartbeats, transient entries deleted', () => {
    const r = new Rig(HB_FLAGS());
    r.register(1, { subscriberId: 'impalad@h:27000', topics: [topic(MEMBERSHIP, true)] });
    publish(r, 1, [put(MEMBERSHIP, [['impalad@h:27000', 'me']])]);
    r.until(isHeartbeat, HB + HB_LOOP);
    const firstSent = r.now;
    let fx: NodeEffect[] = [];
    for (let miss = 1; miss <= 3; miss++) {
      expect(liveSubscribers(r.state)).toBe(1);
      fx = r.until((e) => e.kind === 'heartbeatMissed', 1000 + HB + HB_LOOP);
      expect(effectsOf(fx, 'heartbeatMissed')).toEqual([{ kind: 'heartbeatMissed', subscriberId: 'impalad@h:27000', missed: miss, why: 'timeout' }]);
    }
    // Each cycle is the timeout plus a period: the third miss comes about 3 x 1 s + 2 x 100 ms after the first heartbeat.
    expect(r.now - firstSent).toBeGreaterThanOrEqual(3 * 1000 + 2 * HB);
    expect(r.now - firstSent).toBeLessThan(3 * 1000 + 2 * HB + 3 * HB_LOOP);
    expect(liveSubscribers(r.state)).toBe(0);
    expect(effectsOf(fx, 'closeLink')).toEqual([{ kind: 'closeLink', link: 1, reason: 'missedHeartbeats', message: 'subscriber missed 3 consecutive heartbeats and was unregistered' }]);
    expect(effectsOf(fx, 'subscriberUnregistered')).toMatchObject([{ subscriberId: 'impalad@h:27000', reason: 'missedHeartbeats', transientEntriesDeleted: 1, live: 0 }]);
    expect(entry(r, MEMBERSHIP, 'impalad@h:27000')?.deleted).toBe(true);
  });

  it('an answer resets the count of misses', () => {
    const r = new Rig(HB_FLAGS());
    r.register(1, { subscriberId: 'a' });
    // Two misses, an answer, two misses, an answer ...: never three in a row.
    for (let round = 0; round < 3; round++) {
      for (let miss = 1; miss <= 2; miss++) {
        r.until((e) => e.kind === 'heartbeatMissed', 2 * (1000 + HB));
        expect(missedOf(r, 'a')).toBe(miss);
      }
      const [hb] = sent(r.until(isHeartbeat, HB + HB_LOOP), 1, 'heartbeat');
      r.up(1, hbAnswer(hb?.seq ?? -1));
      expect(missedOf(r, 'a')).toBe(0);
    }
    expect(liveSubscribers(r.state)).toBe(1);
  });

  it('any answer of the registration proves it alive, even to an older heartbeat; only the outstanding one closes its round trip', () => {
    const r = new Rig(HB_FLAGS());
    r.register(1, { subscriberId: 'a' });
    r.advance(1000 + HB + HB_LOOP);
    expect(missedOf(r, 'a')).toBe(1);
    const fx = r.up(1, hbAnswer(1));
    expect(missedOf(r, 'a')).toBe(0);
    expect(effectsOf(fx, 'heartbeatAnswered')).toEqual([]);
  });

  it('with the network disabled every heartbeat is missed at once and nothing is sent', () => {
    const r = new Rig(HB_FLAGS({ statestore_max_missed_heartbeats: 2 }));
    r.register(1, { subscriberId: 'a' });
    r.step({ kind: 'setNetworkDisabled', disabled: true });
    const fx = r.advance(2 * HB + HB_LOOP);
    expect(effectsOf(fx, 'heartbeatMissed').map((m) => m.why)).toEqual(['noLink', 'noLink']);
    expect(fx.filter((e) => e.kind === 'send')).toEqual([]);
    expect(liveSubscribers(r.state)).toBe(0);
  });

  it('reports every heartbeat_monitoring_frequency_ms how many subscribers answered a heartbeat meanwhile', () => {
    const r = new Rig(HB_FLAGS({ heartbeat_monitoring_frequency_ms: 1000, statestore_heartbeat_tcp_timeout_seconds: 10 }));
    r.register(1, { subscriberId: 'a' }, { heartbeats: { connState: 'OK', highestEpochSeen: 0 } });
    r.register(2, { subscriberId: 'quiet' });
    let fx = r.advance(1000);
    expect(effectsOf(fx, 'heartbeatSummary')).toEqual([{ kind: 'heartbeatSummary', answered: 1, live: 2 }]);
    // Nobody answered in the next interval.
    r.scripts.set(1, {});
    fx = r.advance(1000);
    expect(effectsOf(fx, 'heartbeatSummary')).toEqual([{ kind: 'heartbeatSummary', answered: 0, live: 2 }]);
  });
});

describe('GetProtocolVersion', () => {
  it('answers ours, refuses an older one, and refuses everything with the network disabled', () => {
    const r = new Rig();
    expect(r.step({ kind: 'protocolVersionRequested', protocolVersion: 1 })).toEqual([{ kind: 'protocolVersionAnswer', refusal: null, message: '' }]);
    expect(r.step({ kind: 'protocolVersionRequested', protocolVersion: 0 })).toEqual([
      { kind: 'protocolVersionAnswer', refusal: 'protocolVersion', message: 'protocol version 0 is older than 1' },
    ]);
    r.step({ kind: 'setNetworkDisabled', disabled: true });
    expect(r.step({ kind: 'protocolVersionRequested', protocolVersion: 1 })).toMatchObject([{ refusal: 'networkDisabled' }]);
  });
});

// ---- pages --------------------------------------------------------------------------------------

describe('subscribersPage', () => {
  it("lists every registration with Impala's fields plus type, link state and misses", () => {
    const r = new Rig(HB_FLAGS({ statestore_heartbeat_frequency_ms: 10_000, statestore_heartbeat_tcp_timeout_seconds: 20 }));
    r.register(1, { subscriberId: 'impalad@h:27000', topics: [topic(MEMBERSHIP, true), topic(CATALOG)] });
    publish(r, 1, [put(MEMBERSHIP, [['impalad@h:27000', 'me']])]);
    r.register(2, { subscriberId: 'catalog-server@h:26000', subscriberType: 'CATALOGD', location: { hostname: 'c', port: 23020 }, topics: [topic(CATALOG)] });
    r.advance(2500);
    r.step({ kind: 'linkClosed', link: 2 });
    expect(subscribersPage(r.state, r.now)).toEqual({
      statestore_id: 'ss-test',
      num_subscribers: 2,
      subscribers: [
        {
          id: 'impalad@h:27000',
          address: 'h:27000',
          type: 'COORDINATOR',
          num_topics: 2,
          num_priority_topics: 1,
          num_transient: 1,
          registration_id: 'reg-1',
          secs_since_heartbeat: 2.5,
          missed_heartbeats: 0,
          link_connected: true,
        },
        {
          id: 'catalog-server@h:26000',
          address: 'c:23020',
          type: 'CATALOGD',
          num_topics: 1,
          num_priority_topics: 0,
          num_transient: 0,
          registration_id: 'reg-2',
          secs_since_heartbeat: 2.5,
          missed_heartbeats: 0,
          link_connected: false,
        },
      ],
    });
  });

  it('shows an empty address for a subscriber that sent no location, and an empty list with none', () => {
    const r = new Rig();
    expect(subscribersPage(r.state, r.now)).toEqual({ statestore_id: 'ss-test', num_subscribers: 0, subscribers: [] });
    r.register(1, { subscriberId: 'x', location: undefined, subscriberType: 'EXECUTOR' });
    expect(subscribersPage(r.state, r.now)).toMatchObject({ subscribers: [{ id: 'x', address: '', num_topics: 0, type: 'EXECUTOR' }] });
  });
});

describe('topicsPage', () => {
  it("lists each topic with Impala's fields; num_entries counts tombstones, num_live_entries does not", () => {
    const r = new Rig();
    r.register(1, { subscriberId: 'impalad@h:27000', topics: [topic(MEMBERSHIP, true), topic(CATALOG)] });
    publish(r, 1, [put(CATALOG, [['ab', '123'], ['cd', '4567']]), put(MEMBERSHIP, [['m', 'x']])]);
    publish(r, 1, [{ topicName: CATALOG, entries: [{ key: 'ab', value: new Uint8Array(0), deleted: true }], isDelta: true }]);
    const page = topicsPage(r.state) as { num_topics: number; topics: Array<Record<string, unknown>> };
    expect(page.num_topics).toBe(2);
    const byId = new Map(page.topics.map((t) => [t.topic_id, t]));
    expect(byId.get(CATALOG)).toMatchObject({ topic_id: CATALOG, num_entries: 2, num_live_entries: 1, version: 3, key_size_bytes: 4, value_size_bytes: 4, total_size_bytes: 8, prioritized: false });
    expect(byId.get(MEMBERSHIP)).toMatchObject({ num_entries: 1, num_live_entries: 1, version: 1, key_size_bytes: 1, value_size_bytes: 1, prioritized: true });
    for (const t of page.topics) {
      expect(Object.keys(t).sort()).toEqual(['key_size_bytes', 'num_entries', 'num_live_entries', 'oldest_id', 'oldest_version', 'prioritized', 'topic_id', 'total_size_bytes', 'value_size_bytes', 'version'].sort());
    }
  });
});
