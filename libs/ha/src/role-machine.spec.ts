import type { HaConfig } from './ha-config';
import { activeEpoch, isActive, nextWakeupMs, requestsConnState, startHa, step, type HaEffect, type HaEvent, type HaState } from './role-machine';

const config = (over: Partial<HaConfig> = {}): HaConfig => ({
  statestoreId: 'a',
  selfAddress: 'a:24020',
  epochSlot: 0,
  forceActive: false,
  useNetworkAddressAsPriority: false,
  peerCnxnAttempts: 3,
  peerCnxnRetryIntervalMs: 100,
  monitoringFrequencyMs: 100,
  crashEvidenceTakeover: true,
  trustResetAsCrashEvidence: false,
  peerTimeoutMs: 1000,
  peerMaxMissedHeartbeats: 4,
  maxReceivedHeartbeatsInActive: 10,
  skipMajorityCheck: false,
  ...over,
});

/** Runs events in order at the given times, collecting every effect. */
function run(s0: HaState, evs: ReadonlyArray<[number, HaEvent]>): { s: HaState; fx: HaEffect[] } {
  let s = s0;
  const fx: HaEffect[] = [];
  for (const [t, ev] of evs) {
    const r = step(s, ev, t);
    s = r.state;
    fx.push(...r.effects);
  }
  return { s, fx };
}

/** Ticks at every wakeup up to `until`. */
function tickUntil(s0: HaState, until: number, fx: HaEffect[]): HaState {
  let s = s0;
  while (nextWakeupMs(s) <= until) {
    const r = step(s, { kind: 'tick' }, nextWakeupMs(s));
    s = r.state;
    fx.push(...r.effects);
  }
  return s;
}

const kinds = (fx: readonly HaEffect[]) => fx.map((f) => f.kind);

/** A node that became standby through a handshake reply at t=0 from active peer "p". */
function standby(over: Partial<HaConfig> = {}): HaState {
  const st = startHa(config({ statestoreId: 'b', selfAddress: 'b:24020', epochSlot: 1, ...over }), 0);
  const r = step(st.state, { kind: 'handshakeReply', seq: 1, reply: { statestoreId: 'p', isActive: true, epoch: 1000 } }, 0);
  expect(r.state.role).toBe('standby');
  return r.state;
}

/** A node that became active through a handshake reply at t=0 from standby peer "p". */
function active(over: Partial<HaConfig> = {}): HaState {
  const st = startHa(config(over), 0);
  const r = step(st.state, { kind: 'handshakeReply', seq: 1, reply: { statestoreId: 'p', isActive: false, epoch: 0 } }, 0);
  expect(r.state.role).toBe('active');
  return r.state;
}

describe('role machine', () => {
  it('retries the startup handshake statestore_peer_cnxn_attempts times, then is active without a peer', () => {
    const st = startHa(config(), 0);
    const fx: HaEffect[] = [...st.effects];
    const s = tickUntil(st.state, 1000, fx);
    expect(kinds(fx).filter((k) => k === 'sendHandshake')).toHaveLength(3);
    expect(fx).toContainEqual(expect.objectContaining({ kind: 'roleChanged', from: 'starting', to: 'active', reason: 'noPeerAnswered' }));
    expect(s.foundPeer).toBe(false);
    expect(kinds(fx)).not.toContain('sendHaHeartbeat');
  });

  it('ignores a handshake reply to a seq it never sent', () => {
    const st = startHa(config(), 0);
    const r = step(st.state, { kind: 'handshakeReply', seq: 7, reply: { statestoreId: 'p', isActive: true, epoch: 5 } }, 10);
    expect(r.state.role).toBe('starting');
    expect(r.effects).toEqual([]);
  });

  it('the active counts an unanswered HA heartbeat as missed and drops the peer after max misses', () => {
    const fx: HaEffect[] = [];
    const s = tickUntil(active(), 350, fx);
    expect(kinds(fx).filter((k) => k === 'sendHaHeartbeat')).toHaveLength(3);
    expect(s.foundPeer).toBe(true);
    const s2 = tickUntil(s, 600, fx);
    expect(s2.foundPeer).toBe(false);
    expect(fx).toContainEqual({ kind: 'peerConnectedChanged', connected: false, peerId: 'p' });
    // With no subscriber either, Impala's recovery mode follows.
    expect(s2.role).toBe('recovery');
  });

  it('answered HA heartbeats keep the pair; a stale-epoch answer makes the active step down', () => {
    let s = active();
    const fx: HaEffect[] = [];
    for (let t = 100; t <= 1000; t += 100) {
      const r = step(s, { kind: 'tick' }, t);
      s = r.state;
      const hb = r.effects.find((e) => e.kind === 'sendHaHeartbeat');
      if (hb?.kind !== 'sendHaHeartbeat') throw new Error('no heartbeat');
      s = step(s, { kind: 'haHeartbeatReply', seq: hb.seq, staleEpoch: false, peerEpoch: activeEpoch(s), peerIsActive: false }, t).state;
    }
    expect(s.foundPeer).toBe(true);
    const r = step(s, { kind: 'tick' }, 1100);
    const hb = r.effects.find((e) => e.kind === 'sendHaHeartbeat');
    if (hb?.kind !== 'sendHaHeartbeat') throw new Error('no heartbeat');
    const down = step(r.state, { kind: 'haHeartbeatReply', seq: hb.seq, staleEpoch: true, peerEpoch: activeEpoch(s) + 2, peerIsActive: true }, 1100);
    fx.push(...down.effects);
    expect(down.state.role).toBe('standby');
    expect(fx).toContainEqual(expect.objectContaining({ kind: 'roleChanged', from: 'active', to: 'standby', reason: 'higherEpoch' }));
  });

  it('a subscriber that saw a newer epoch makes the active step down at once', () => {
    const s = active();
    const { s: t, fx } = run(s, [[5, { kind: 'subscriberEpoch', subscriberId: 's1', highestEpochSeen: activeEpoch(s) + 1 }]]);
    expect(t.role).toBe('standby');
    expect(fx).toContainEqual(expect.objectContaining({ kind: 'requestConnState', request: true }));
    // ... and an older one changes nothing.
    const { s: u } = run(active(), [[5, { kind: 'subscriberEpoch', subscriberId: 's1', highestEpochSeen: 1 }]]);
    expect(u.role).toBe('active');
  });

  it('the standby takes over only with the peer FAILED and a majority; duration is from the last heartbeat', () => {
    let s = standby();
    const fx: HaEffect[] = [];
    s = run(s, [
      [0, { kind: 'subscriberRegistered', subscriberId: 's1', highestEpochSeen: 0 }],
      [0, { kind: 'subscriberRegistered', subscriberId: 's2', highestEpochSeen: 0 }],
      [0, { kind: 'subscriberRegistered', subscriberId: 's3', highestEpochSeen: 0 }],
      [200, { kind: 'haHeartbeatRequest', dstStatestoreId: 'b', srcStatestoreId: 'p', srcEpoch: 1000 }],
      [300, { kind: 'subscriberConnState', subscriberId: 's1', connState: 'FAILED' }],
      [300, { kind: 'subscriberConnState', subscriberId: 's2', connState: 'FAILED' }],
    ]).s;
    s = tickUntil(s, 1200, fx);
    expect(s.role).toBe('standby'); // peer not yet FAILED: 1200 - 200 = 1000, not > 1000
    s = tickUntil(s, 1300, fx);
    expect(isActive(s)).toBe(true);
    expect(fx).toContainEqual(expect.objectContaining({ kind: 'roleChanged', reason: 'takeover', failoverDurationMs: 1100 }));
    const bc = fx.find((e) => e.kind === 'broadcastRole');
    expect(bc?.kind === 'broadcastRole' && bc.epoch > 1000 && bc.epoch % 2 === 1).toBe(true);
  });

  it('skipMajorityCheck takes over on the peer detector alone', () => {
    let s = standby({ skipMajorityCheck: true });
    s = run(s, [[0, { kind: 'subscriberRegistered', subscriberId: 's1', highestEpochSeen: 0 }]]).s;
    s = tickUntil(s, 1200, []);
    expect(isActive(s)).toBe(true);
    s = standby();
    s = run(s, [[0, { kind: 'subscriberRegistered', subscriberId: 's1', highestEpochSeen: 0 }]]).s;
    s = tickUntil(s, 5000, []);
    expect(s.role).toBe('standby');
  });

  it('forgets conn-state reports made while it was active', () => {
    let s = active();
    s = run(s, [
      [0, { kind: 'subscriberRegistered', subscriberId: 's1', highestEpochSeen: 0 }],
      [1, { kind: 'subscriberConnState', subscriberId: 's1', connState: 'FAILED' }],
      [2, { kind: 'subscriberEpoch', subscriberId: 's1', highestEpochSeen: 1e12 }],
    ]).s;
    expect(s.role).toBe('standby');
    expect(s.subscribers.get('s1')).toBe('UNKNOWN');
    expect(requestsConnState(s)).toBe(true);
  });

  it('a standby whose peer failed re-handshakes every retry interval (the pair re-forms)', () => {
    const fx: HaEffect[] = [];
    let s = run(standby(), [[0, { kind: 'subscriberRegistered', subscriberId: 's1', highestEpochSeen: 0 }]]).s;
    s = tickUntil(s, 1500, fx);
    expect(s.role).toBe('standby');
    const sends = fx.filter((e) => e.kind === 'sendHandshake');
    expect(sends.length).toBeGreaterThanOrEqual(3);
    const last = sends[sends.length - 1];
    if (last?.kind !== 'sendHandshake') throw new Error('no handshake');
    s = step(s, { kind: 'handshakeReply', seq: last.seq, reply: { statestoreId: 'p2', isActive: true, epoch: 2000 } }, 1500).state;
    expect(s.foundPeer).toBe(true);
    expect(s.role).toBe('standby');
  });

  it('refuses HA RPCs while the debug network is disabled', () => {
    let s = standby();
    s = step(s, { kind: 'networkDisabled', disabled: true }, 1).state;
    const r = step(s, { kind: 'haHeartbeatRequest', dstStatestoreId: 'b', srcStatestoreId: 'p', srcEpoch: 1000 }, 2);
    expect(r.effects).toEqual([expect.objectContaining({ kind: 'replyHaHeartbeat', outcome: 'rejected' })]);
    const h = step(s, { kind: 'handshakeRequest', request: { statestoreId: 'p', address: 'p:1', forceActive: false, isActive: false, epoch: 0 } }, 2);
    expect(h.effects).toEqual([{ kind: 'replyHandshake', reply: null }]);
  });

  it('an HA heartbeat addressed to another statestore_id is rejected', () => {
    const r = step(standby(), { kind: 'haHeartbeatRequest', dstStatestoreId: 'zzz', srcStatestoreId: 'p', srcEpoch: 1000 }, 2);
    expect(r.effects).toEqual([expect.objectContaining({ outcome: 'rejected' })]);
  });

  it('an active told about an older-epoch active answers staleEpoch; told about a newer one, steps down', () => {
    const s = active();
    const e = activeEpoch(s);
    const older = step(s, { kind: 'haHeartbeatRequest', dstStatestoreId: 'a', srcStatestoreId: 'p', srcEpoch: e - 1 }, 5);
    expect(older.effects).toEqual([{ kind: 'replyHaHeartbeat', outcome: 'staleEpoch', epoch: e, isActive: true }]);
    expect(older.state.role).toBe('active');
    const newer = step(s, { kind: 'haHeartbeatRequest', dstStatestoreId: 'a', srcStatestoreId: 'p', srcEpoch: e + 1 }, 5);
    expect(newer.state.role).toBe('standby');
  });

  it('validates its config', () => {
    expect(() => startHa(config({ monitoringFrequencyMs: 0, statestoreId: '' }), 0)).toThrow(/statestoreId.*monitoringFrequencyMs/);
  });
});

describe('role machine, handshake replies out of order', () => {
  it('ignores a reply older than one already applied', () => {
    let s = startHa(config({ statestoreId: 'b', selfAddress: 'b:1', epochSlot: 1 }), 0).state;
    s = step(s, { kind: 'tick' }, 100).state; // attempt 2
    s = step(s, { kind: 'handshakeReply', seq: 2, reply: { statestoreId: 'p', isActive: true, epoch: 10 } }, 110).state;
    expect(s.role).toBe('standby');
    const late = step(s, { kind: 'handshakeReply', seq: 1, reply: { statestoreId: 'p', isActive: false, epoch: 0 } }, 120);
    expect(late.state.role).toBe('standby');
    expect(late.effects).toEqual([]);
  });
});

describe('a handshake request delivered late (found by the chaos harness)', () => {
  // statestored 'a' was active, lost its peer and every subscriber, and is in recovery. Its peer
  // 'p' sent a handshake as a standby, then took over; the partition delivers that old request
  // only now. 'a' has priority over 'p' ('a' < 'p'), so Impala's rule would make it active, with
  // an epoch newer than the real active's, deposing it.
  /** p's handshake, sent as a standby before it took over and delivered only now. */
  const late: HaEvent = { kind: 'handshakeRequest', request: { statestoreId: 'p', address: 'p:24020', forceActive: false, isActive: false, epoch: 0 } };

  function recovering(): HaState {
    const fx: HaEffect[] = [];
    const s = tickUntil(active(), 5000, fx);
    expect(s.role).toBe('recovery');
    return s;
  }

  it('does not promote the receiver: it claims the role and asks the peer itself', () => {
    const r = step(recovering(), late, 5000);
    expect(r.state.role).toBe('recovery');
    expect(r.effects.filter((e) => e.kind === 'roleChanged')).toEqual([]);
    expect(r.effects).toContainEqual({ kind: 'replyHandshake', reply: { statestoreId: 'a', isActive: true, epoch: expect.any(Number) } });
    // Its own handshake goes out at once, and the real active's answer makes it standby.
    expect(nextWakeupMs(r.state)).toBe(5000);
    const t = step(r.state, { kind: 'tick' }, 5000);
    const send = t.effects.find((e) => e.kind === 'sendHandshake');
    expect(send).toBeDefined();
    const seq = send?.kind === 'sendHandshake' ? send.seq : -1;
    const answered = step(t.state, { kind: 'handshakeReply', seq, reply: { statestoreId: 'p', isActive: true, epoch: 4_000_001 } }, 5010);
    expect(answered.state.role).toBe('standby');
    expect(isActive(answered.state)).toBe(false);
  });

  it('a paired standby with priority also asks once: the real active answers, it stays standby, and asks no more', () => {
    // 'b' has priority over 'p' and has been its standby since t=0.
    const r = step(tickUntil(standby(), 499, []), late, 500);
    expect(r.state.role).toBe('standby');
    expect(r.effects.filter((e) => e.kind === 'roleChanged')).toEqual([]);
    expect(r.effects).toContainEqual({ kind: 'replyHandshake', reply: { statestoreId: 'b', isActive: true, epoch: 1000 } });
    expect(nextWakeupMs(r.state)).toBe(500);
    const t = step(r.state, { kind: 'tick' }, 500);
    const sends = t.effects.filter((e) => e.kind === 'sendHandshake');
    expect(sends).toHaveLength(1);
    const seq = sends[0]?.kind === 'sendHandshake' ? sends[0].seq : -1;
    const answered = step(t.state, { kind: 'handshakeReply', seq, reply: { statestoreId: 'p', isActive: true, epoch: 1000 } }, 510);
    expect(answered.state.role).toBe('standby');
    expect(answered.effects.filter((e) => e.kind === 'roleChanged')).toEqual([]);
    // Exactly one: with the pair formed, nothing more is sent while the active's heartbeats arrive.
    const fx: HaEffect[] = [];
    let s = answered.state;
    for (let at = 600; at <= 3000; at += 100) {
      s = step(s, { kind: 'haHeartbeatRequest', dstStatestoreId: 'b', srcStatestoreId: 'p', srcEpoch: 1000 }, at).state;
      s = tickUntil(s, at, fx);
    }
    expect(fx.filter((e) => e.kind === 'sendHandshake')).toEqual([]);
    expect(s.role).toBe('standby');
  });

  it('a claim whose one handshake fails is not retried on a schedule while the pair is formed', () => {
    const r = step(tickUntil(standby(), 499, []), late, 500);
    const t = step(r.state, { kind: 'tick' }, 500);
    const send = t.effects.find((e) => e.kind === 'sendHandshake');
    expect(send).toBeDefined();
    const seq = send?.kind === 'sendHandshake' ? send.seq : -1;
    const failed = step(t.state, { kind: 'handshakeFailed', seq }, 510);
    expect(nextWakeupMs(failed.state)).toBe(failed.state.nextMonitorAtMs);
    // The peer detector (1 s, last contact at 500) decides from here, as without the claim.
    const fx: HaEffect[] = [];
    tickUntil(failed.state, 1500, fx);
    expect(fx.filter((e) => e.kind === 'sendHandshake')).toEqual([]);
  });

  it('still becomes active through its own handshake when the peer answers as a standby', () => {
    const r = step(recovering(), late, 5000);
    const t = step(r.state, { kind: 'tick' }, 5000);
    const send = t.effects.find((e) => e.kind === 'sendHandshake');
    const seq = send?.kind === 'sendHandshake' ? send.seq : -1;
    const answered = step(t.state, { kind: 'handshakeReply', seq, reply: { statestoreId: 'p', isActive: false, epoch: 0 } }, 5010);
    expect(answered.state.role).toBe('active');
  });
});
