/**
 * The node's HA role and its role broadcast (Impala: InitStatestoreHa, SendHaHandshake,
 * ReceiveHaHandshakeRequest, MonitorStatestoredHaHeartbeat, SendUpdateStatestoredRoleNotification,
 * the /ha page): what the deleted apps/statestored ha-runner.spec.ts, role-broadcast.spec.ts and
 * first-attempt.spec.ts asserted, on startNode/step with a scripted peer instead of loopback gRPC.
 */
import type { UpMessage } from './messages';
import type { StatestoredNodeFlags } from './node-config';
import type { NodeEffect, NoticeResult } from './node-effects';
import type { NodeEvent } from './node-events';
import { activeEpochOf, haPage, highestEpochSeen, isActiveNode, pairFormed, roleOf, takeoverView } from './node-queries';
import { FAST_HA_FLAGS, LOST_ACTIVE, Rig, T0, activePeer, effectsOf, isHeartbeat, noticeCount, sent, standbyPeer, type Script } from './node-rig.spec-helper';
import { NodeScenarioEnv } from './scenario-env.spec-helper';

// ---- a pair with short HA timeouts ----------------------------------------------------------------

const HA_FLAGS: Partial<StatestoredNodeFlags> = {
  ...FAST_HA_FLAGS,
  statestore_peer_cnxn_attempts: 3,
  statestore_ha_preemption_wait_period_ms: 300,
  update_statestore_rpc_resend_interval_ms: 100,
  statestore_update_statestore_tcp_timeout_seconds: 1,
};
const RESEND = 100;
const NOTICE_TIMEOUT = 1000;

/** A standby whose subscribers (links 1..n, ids a, b, ...) all report the active lost; the peer then goes silent. */
function standbyWith(n: number, flags: Partial<StatestoredNodeFlags> = {}, script: (i: number) => Script = () => LOST_ACTIVE): Rig {
  const r = new Rig({ ...HA_FLAGS, ...flags }, activePeer());
  expect(roleOf(r.state)).toBe('standby');
  for (let i = 1; i <= n; i++) r.register(i, { subscriberId: String.fromCharCode(96 + i) }, script(i));
  r.peer = null;
  return r;
}

const isPromotion = (fx: NodeEffect): boolean => fx.kind === 'roleChanged' && fx.to === 'active';

/** Runs until the standby takes over (its peer timeout is 1 s). */
const takeOver = (r: Rig): NodeEffect[] => r.until(isPromotion, 3000);

const noticesOf = (fx: readonly NodeEffect[], result: NoticeResult): number => noticeCount(fx, 'role', result);

const roleAnswer = (activeEpoch: number, patch: Partial<Extract<UpMessage, { kind: 'role' }>> = {}): UpMessage => ({
  kind: 'role',
  activeEpoch,
  skipped: false,
  staleEpoch: false,
  highestEpochSeen: activeEpoch,
  ...patch,
});

const pending = (r: Rig): unknown => haPage(r.state, r.now)?.['pending_role_notifications'];

describe('settling the role', () => {
  it('becomes standby when the peer answers the startup handshake as active, and active when it answers as standby', () => {
    const standby = new Rig(HA_FLAGS, activePeer(4));
    expect(effectsOf(standby.started, 'roleChanged')).toMatchObject([{ from: 'starting', to: 'standby', reason: 'handshake' }]);
    expect(activeEpochOf(standby.state)).toBe(4);
    expect(pairFormed(standby.state)).toBe(true);
    const active = new Rig(HA_FLAGS, standbyPeer);
    expect(effectsOf(active.started, 'roleChanged')).toMatchObject([{ from: 'starting', to: 'active', reason: 'handshake' }]);
    const epoch = activeEpochOf(active.state);
    expect(epoch).toBeGreaterThan(0);
    expect(effectsOf(active.started, 'activeEpochChanged')).toEqual([{ kind: 'activeEpochChanged', isActive: true, epoch }]);
    expect(effectsOf(standby.started, 'activeEpochChanged')).toEqual([]);
  });

  it('only the standby asks subscribers for their link to the other statestored, and counts their answers', () => {
    const standby = new Rig(HA_FLAGS, activePeer());
    standby.register(1, { subscriberId: 'a' }, LOST_ACTIVE);
    expect(sent(standby.until(isHeartbeat, 200), 1, 'heartbeat')[0]?.requestConnState).toBe(true);
    expect(takeoverView(standby.state, standby.now)?.lostActive).toEqual({ failed: 1, total: 1, refused: 0 });
    const active = new Rig(HA_FLAGS, standbyPeer);
    active.register(1, { subscriberId: 'a' }, LOST_ACTIVE);
    expect(sent(active.until(isHeartbeat, 200), 1, 'heartbeat')[0]?.requestConnState).toBe(false);
    expect(takeoverView(active.state, active.now)?.lostActive).toEqual({ failed: 0, total: 1, refused: 0 });
  });

  it('a lone statestored becomes active once its statestore_peer_cnxn_attempts handshakes have gone unanswered', () => {
    const r = new Rig({ ...HA_FLAGS, statestore_ha_preemption_wait_period_ms: 200, statestore_peer_cnxn_attempts: 2 });
    expect(effectsOf(r.started, 'sendHandshake')).toHaveLength(1);
    let fx = r.advance(199);
    expect(roleOf(r.state)).toBe('starting');
    expect(effectsOf(fx, 'sendHandshake')).toHaveLength(1);
    fx = r.advance(1);
    expect(effectsOf(fx, 'roleChanged')).toMatchObject([{ from: 'starting', to: 'active', reason: 'noPeerAnswered' }]);
    expect(isActiveNode(r.state)).toBe(true);
  });

  it("the active's HA heartbeats keep the pair formed; unanswered ones make it lose its peer", () => {
    const r = new Rig(HA_FLAGS, standbyPeer);
    let fx = r.advance(1000);
    const beats = effectsOf(fx, 'sendHaHeartbeat');
    expect(beats).toHaveLength(10);
    expect(beats.every((b) => b.request.srcEpoch === activeEpochOf(r.state) && b.request.dstStatestoreId === 'peer')).toBe(true);
    expect(pairFormed(r.state)).toBe(true);
    r.peer = null;
    // statestore_max_missed_heartbeats (10 by default) missed in a row: the peer is gone.
    fx = r.advance(10 * 100);
    expect(effectsOf(fx, 'peerConnectedChanged')).toEqual([{ kind: 'peerConnectedChanged', connected: false, peerId: 'peer' }]);
    expect(isActiveNode(r.state)).toBe(true);
  });
});

describe('takeover', () => {
  it('takes over when the peer is silent past its timeout and a majority of subscribers lost the active; tells each the new role', () => {
    const r = standbyWith(1);
    const fx = takeOver(r);
    const [change] = effectsOf(fx, 'roleChanged');
    expect(change).toMatchObject({ from: 'standby', to: 'active', reason: 'takeover' });
    // The handshake at T0 was the peer's last sign of life; the detector says FAILED strictly after 1 s.
    expect(change?.failoverDurationMs).toBe(r.now - T0);
    expect(r.now - T0).toBeGreaterThan(1000);
    const epoch = activeEpochOf(r.state);
    expect(epoch).toBeGreaterThan(4);
    expect(effectsOf(fx, 'activeEpochChanged')).toEqual([{ kind: 'activeEpochChanged', isActive: true, epoch }]);
    expect(sent(fx, 1, 'role')).toEqual([{ kind: 'role', activeEpoch: epoch, isActive: true }]);
    expect(pending(r)).toBe(1);
    // The answer ends the broadcast.
    const answered = r.up(1, roleAnswer(epoch));
    expect(noticesOf(answered, 'ok')).toBe(1);
    expect(effectsOf(answered, 'noticeRoundDone')).toMatchObject([{ notice: 'role', value: epoch }]);
    expect(pending(r)).toBe(0);
  });

  it('without a subscriber majority stays standby even though the peer is gone', () => {
    const r = standbyWith(2, {}, (i) => (i === 1 ? LOST_ACTIVE : { heartbeats: { connState: 'OK', highestEpochSeen: 0 } }));
    const fx = r.advance(3000);
    expect(effectsOf(fx, 'roleChanged')).toEqual([]);
    expect(effectsOf(fx, 'takeoverCheck').at(-1)).toMatchObject({ verdict: 'waitNoMajority', peerState: 'FAILED', failed: 1, total: 2 });
    expect(roleOf(r.state)).toBe('standby');
    // The second one loses the active too: now there is a majority.
    r.scripts.set(2, LOST_ACTIVE);
    expect(effectsOf(takeOver(r), 'roleChanged')).toMatchObject([{ to: 'active', reason: 'takeover' }]);
  });

  it("does not take over while the active's HA heartbeats arrive, even with every subscriber reporting it lost", () => {
    const r = standbyWith(2);
    for (let t = 0; t < 3000; t += 100) {
      r.step({ kind: 'haHeartbeatRequested', request: { protocolVersion: 1, dstStatestoreId: 'ss-test', srcStatestoreId: 'peer', srcEpoch: 4 } });
      r.advance(100);
    }
    expect(roleOf(r.state)).toBe('standby');
    expect(takeoverView(r.state, r.now)).toMatchObject({ peerState: 'OK', lostActive: { failed: 2, total: 2 }, verdict: 'waitPeerAlive' });
  });

  it('forgets a subscriber dropped for missed heartbeats: it no longer counts toward the majority', () => {
    const r = standbyWith(2, { statestore_max_missed_heartbeats: 3 }, (i) => (i === 1 ? LOST_ACTIVE : {}));
    expect(takeoverView(r.state, r.now)?.lostActive.total).toBe(2);
    r.until((fx) => fx.kind === 'subscriberUnregistered', 5000);
    expect(takeoverView(r.state, r.now)?.lostActive).toEqual({ failed: 1, total: 1, refused: 0 });
  });
});

describe('epoch fencing', () => {
  it('an active steps down when a subscriber reports a newer epoch (heartbeat or registration), not an equal one', () => {
    const r = new Rig(HA_FLAGS, standbyPeer);
    const epoch = activeEpochOf(r.state);
    r.register(1, { subscriberId: 'a' });
    let fx = r.up(1, { kind: 'heartbeat', seq: 0, connState: 'OK', highestEpochSeen: epoch });
    expect(effectsOf(fx, 'roleChanged')).toEqual([]);
    fx = r.up(1, { kind: 'heartbeat', seq: 0, connState: 'OK', highestEpochSeen: epoch + 2 });
    expect(effectsOf(fx, 'roleChanged')).toMatchObject([{ from: 'active', to: 'standby', reason: 'higherEpoch' }]);
    expect(highestEpochSeen(r.state)).toBe(epoch + 2);

    const again = new Rig(HA_FLAGS, standbyPeer);
    fx = again.register(1, { subscriberId: 'a', highestEpochSeen: activeEpochOf(again.state) + 2 });
    expect(effectsOf(fx, 'roleChanged')).toMatchObject([{ from: 'active', to: 'standby', reason: 'higherEpoch' }]);
  });
});

describe('role notifications (send until acknowledged)', () => {
  it('goes to every subscriber registered at promotion; one whose stream ended is counted failed and retried every resend interval', () => {
    // Enough misses allowed that the subscriber without a stream is still registered at the promotion.
    const r = standbyWith(3, { statestore_max_missed_heartbeats: 50 });
    r.step({ kind: 'linkClosed', link: 2 });
    let fx = takeOver(r);
    const epoch = activeEpochOf(r.state);
    expect(effectsOf(fx, 'noticeRoundStarted')).toEqual([{ kind: 'noticeRoundStarted', notice: 'role', value: epoch, receivers: 3 }]);
    expect([1, 3].map((l) => sent(fx, l, 'role').length)).toEqual([1, 1]);
    expect(noticesOf(fx, 'failed')).toBe(1);
    fx = r.advance(RESEND);
    expect(noticesOf(fx, 'failed')).toBe(1);
    expect(fx.filter((e) => e.kind === 'send' && e.msg.kind === 'role')).toEqual([]);
    expect(pending(r)).toBe(3);
  });

  it('an unanswered notification fails at statestore_update_statestore_tcp_timeout_seconds and goes again a resend interval later, to those who did not answer only', () => {
    const r = standbyWith(3);
    takeOver(r);
    const promotedAt = r.now;
    const epoch = activeEpochOf(r.state);
    r.up(1, roleAnswer(epoch));
    let fx = r.advance(NOTICE_TIMEOUT - 1);
    expect(fx.filter((e) => e.kind === 'send' && e.msg.kind === 'role')).toEqual([]);
    fx = r.until((e) => e.kind === 'notices', RESEND);
    expect(r.now - promotedAt).toBe(NOTICE_TIMEOUT);
    expect(noticesOf(fx, 'failed')).toBe(2);
    fx = r.until((e) => e.kind === 'send' && e.msg.kind === 'role', RESEND);
    expect(r.now - promotedAt).toBe(NOTICE_TIMEOUT + RESEND);
    expect([1, 2, 3].map((l) => sent(fx, l, 'role').length)).toEqual([0, 1, 1]);
    r.up(2, roleAnswer(epoch));
    fx = r.up(3, roleAnswer(epoch));
    expect(effectsOf(fx, 'noticeRoundDone')).toEqual([{ kind: 'noticeRoundDone', notice: 'role', value: epoch, durationMs: NOTICE_TIMEOUT + RESEND }]);
  });

  it('an answer under another epoch (late, to an earlier promotion) is counted but settles nothing; unknown and repeated answers change nothing', () => {
    const r = standbyWith(2);
    takeOver(r);
    const epoch = activeEpochOf(r.state);
    let fx = r.up(1, roleAnswer(epoch - 1));
    expect(noticesOf(fx, 'ok')).toBe(1);
    expect(pending(r)).toBe(2);
    r.up(1, roleAnswer(epoch));
    expect(pending(r)).toBe(1);
    fx = r.up(1, roleAnswer(epoch));
    expect(effectsOf(fx, 'noticeRoundDone')).toEqual([]);
    expect(pending(r)).toBe(1);
    // A newcomer was never sent this round (its registration reply told it the role).
    fx = r.register(3, { subscriberId: 'c' });
    expect(sent(fx, 3, 'registered')[0]).toMatchObject({ isActive: true, activeEpoch: epoch });
    r.up(3, roleAnswer(epoch));
    expect(pending(r)).toBe(1);
  });

  it('a skipped answer settles the receiver, as in Impala; a stale one is counted and steps this node down', () => {
    const r = standbyWith(2);
    takeOver(r);
    const epoch = activeEpochOf(r.state);
    let fx = r.up(1, roleAnswer(epoch, { skipped: true }));
    expect(noticesOf(fx, 'skipped')).toBe(1);
    expect(pending(r)).toBe(1);
    fx = r.up(2, roleAnswer(epoch, { staleEpoch: true, highestEpochSeen: epoch + 2 }));
    expect(noticesOf(fx, 'stale')).toBe(1);
    expect(effectsOf(fx, 'roleChanged')).toMatchObject([{ from: 'active', to: 'standby', reason: 'higherEpoch' }]);
    // No longer active: the round is over, nothing more goes out (the subscribers follow the newer active now).
    expect(pending(r)).toBe(0);
    for (const link of [1, 2]) r.scripts.set(link, { heartbeats: { connState: 'OK', highestEpochSeen: epoch + 2 } });
    fx = r.advance(NOTICE_TIMEOUT + RESEND);
    expect(fx.filter((e) => e.kind === 'send' && e.msg.kind === 'role')).toEqual([]);
  });

  it('forgets a subscriber that unregisters: the round is done without it', () => {
    const r = standbyWith(2);
    takeOver(r);
    const epoch = activeEpochOf(r.state);
    r.up(1, roleAnswer(epoch));
    const fx = r.up(2, { kind: 'unregister' });
    expect(effectsOf(fx, 'noticeRoundDone')).toMatchObject([{ notice: 'role', value: epoch }]);
    expect(pending(r)).toBe(0);
  });

  it('is done at once with nobody to tell', () => {
    const r = new Rig(HA_FLAGS, standbyPeer);
    const epoch = activeEpochOf(r.state);
    expect(effectsOf(r.started, 'noticeRoundStarted')).toEqual([{ kind: 'noticeRoundStarted', notice: 'role', value: epoch, receivers: 0 }]);
    expect(effectsOf(r.started, 'noticeRoundDone')).toEqual([{ kind: 'noticeRoundDone', notice: 'role', value: epoch, durationMs: 0 }]);
    expect(pending(r)).toBe(0);
  });
});

describe('--debug_actions on first attempts', () => {
  it('SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1.0: each first role notification is counted failed; the resend delivers it, unhindered', () => {
    const r = standbyWith(2, { debug_actions: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1.0' });
    let fx = takeOver(r);
    const epoch = activeEpochOf(r.state);
    expect(fx.filter((e) => e.kind === 'send' && e.msg.kind === 'role')).toEqual([]);
    expect(effectsOf(fx, 'debugActionApplied')).toEqual([
      { kind: 'debugActionApplied', label: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT', entry: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1', failed: 2, delayed: 0, notice: 'role', value: epoch },
    ]);
    expect(noticesOf(fx, 'failed')).toBe(2);
    fx = r.advance(RESEND);
    expect([1, 2].map((l) => sent(fx, l, 'role'))).toEqual([[{ kind: 'role', activeEpoch: epoch, isActive: true }], [{ kind: 'role', activeEpoch: epoch, isActive: true }]]);
    expect(effectsOf(fx, 'debugActionApplied')).toEqual([]);
    expect(noticesOf(fx, 'failed')).toBe(0);
    r.up(1, roleAnswer(epoch));
    fx = r.up(2, roleAnswer(epoch));
    expect(effectsOf(fx, 'noticeRoundDone')).toHaveLength(1);
  });

  it('SLEEP@ms: a held first attempt goes out after the delay, and the receiver gets nothing before', () => {
    const r = standbyWith(1, { debug_actions: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:SLEEP@250' });
    let fx = takeOver(r);
    const promotedAt = r.now;
    expect(effectsOf(fx, 'debugActionApplied')).toMatchObject([{ entry: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT', failed: 0, delayed: 1 }]);
    fx = r.until((e) => e.kind === 'send' && e.msg.kind === 'role', 1000);
    expect(r.now - promotedAt).toBe(250);
    expect(noticesOf(fx, 'failed')).toBe(0);
    // From then on the ordinary deadline applies.
    fx = r.until((e) => e.kind === 'notices', NOTICE_TIMEOUT);
    expect(r.now - promotedAt).toBe(250 + NOTICE_TIMEOUT);
    expect(noticesOf(fx, 'failed')).toBe(1);
  });

  it('SLEEP and FAIL: the held attempt fails when its delay is over and is retried a resend interval later', () => {
    const r = standbyWith(1, { debug_actions: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:SLEEP@200|SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL' });
    takeOver(r);
    const promotedAt = r.now;
    let fx = r.until((e) => e.kind === 'debugActionApplied', 1000);
    expect(r.now - promotedAt).toBe(200);
    expect(effectsOf(fx, 'debugActionApplied')).toMatchObject([{ entry: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1', failed: 1, delayed: 0 }]);
    expect(noticesOf(fx, 'failed')).toBe(1);
    expect(fx.filter((e) => e.kind === 'send' && e.msg.kind === 'role')).toEqual([]);
    fx = r.until((e) => e.kind === 'send' && e.msg.kind === 'role', 1000);
    expect(r.now - promotedAt).toBe(200 + RESEND);
  });

  it('SLEEP@ms: a held first attempt whose stream ended meanwhile fails when its delay is over, and is retried', () => {
    const r = standbyWith(1, { debug_actions: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:SLEEP@250', statestore_max_missed_heartbeats: 50 });
    takeOver(r);
    const promotedAt = r.now;
    r.step({ kind: 'linkClosed', link: 1 });
    let fx = r.until((e) => e.kind === 'notices', 1000);
    expect(r.now - promotedAt).toBe(250);
    expect(noticesOf(fx, 'failed')).toBe(1);
    fx = r.until((e) => e.kind === 'notices', 1000);
    expect(r.now - promotedAt).toBe(250 + RESEND);
    expect(noticesOf(fx, 'failed')).toBe(1);
    expect(pending(r)).toBe(1);
  });

  it('a held first attempt is dropped when its receiver leaves or a newer round starts', () => {
    const r = standbyWith(2, { debug_actions: 'SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:SLEEP@500' });
    takeOver(r);
    const first = activeEpochOf(r.state);
    r.up(2, { kind: 'unregister' });
    r.advance(100);
    // A newer epoch nobody claims: this active moves above it and broadcasts again (a new round, held again).
    r.step({ kind: 'haHandshakeRequested', protocolVersion: 1, request: { statestoreId: 'peer', address: 'ss-b:24020', forceActive: false, isActive: false, epoch: first + 10 } });
    const second = activeEpochOf(r.state);
    expect(second).toBeGreaterThan(first + 10);
    const fx = r.advance(1000);
    const roles = fx.flatMap((e) => (e.kind === 'send' && e.msg.kind === 'role' ? [[e.link, e.msg.activeEpoch]] : []));
    expect(roles).toEqual([[1, second]]);
  });

  it('STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:FAIL@1.0: the startup handshake goes one retry interval late, and the role comes out the same', () => {
    const r = new Rig({ ...HA_FLAGS, statestore_ha_preemption_wait_period_ms: 900, debug_actions: 'STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:FAIL@1.0' }, activePeer());
    expect(effectsOf(r.started, 'sendHandshake')).toEqual([]);
    expect(effectsOf(r.started, 'debugActionApplied')).toMatchObject([{ label: 'STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT', failed: 1, delayed: 0, notice: null, value: 1 }]);
    const fx = r.until((e) => e.kind === 'sendHandshake', 1000);
    // preemption wait 900 ms / 3 attempts: the second try goes 300 ms after the failed first one, unhindered.
    expect(r.now - T0).toBe(300);
    expect(effectsOf(fx, 'debugActionApplied')).toEqual([]);
    expect(roleOf(r.state)).toBe('standby');
    expect(haPage(r.state, r.now)).toMatchObject({ role: 'standby', peer_id: 'peer' });
  });

  it('without the debug action the same handshake goes at once', () => {
    const r = new Rig({ ...HA_FLAGS, statestore_ha_preemption_wait_period_ms: 900 }, activePeer());
    expect(effectsOf(r.started, 'sendHandshake')).toHaveLength(1);
    expect(roleOf(r.state)).toBe('standby');
  });

  it('STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:SLEEP@ms holds the first handshake back by the delay', () => {
    const r = new Rig({ ...HA_FLAGS, statestore_ha_preemption_wait_period_ms: 900, debug_actions: 'STATESTORE_HA_HANDSHAKE_FIRST_ATTEMPT:SLEEP@50' }, activePeer());
    expect(effectsOf(r.started, 'debugActionApplied')).toMatchObject([{ failed: 0, delayed: 1 }]);
    r.until((e) => e.kind === 'sendHandshake', 1000);
    expect(r.now - T0).toBe(50);
    expect(roleOf(r.state)).toBe('standby');
  });
});

describe('answering the peer', () => {
  const handshake = (patch: Partial<{ protocolVersion: number; statestoreId: string; isActive: boolean }> = {}): NodeEvent => ({
    kind: 'haHandshakeRequested',
    protocolVersion: patch.protocolVersion ?? 1,
    request: { statestoreId: patch.statestoreId ?? 'peer', address: 'ss-b:24020', forceActive: false, isActive: patch.isActive ?? false, epoch: 0 },
  });
  const heartbeat = (patch: Partial<{ protocolVersion: number; dstStatestoreId: string }> = {}): NodeEvent => ({
    kind: 'haHeartbeatRequested',
    request: { protocolVersion: patch.protocolVersion ?? 1, dstStatestoreId: patch.dstStatestoreId ?? 'ss-test', srcStatestoreId: 'peer', srcEpoch: 4 },
  });

  it('answers an HA heartbeat and a handshake addressed to it', () => {
    const r = new Rig(HA_FLAGS, activePeer());
    expect(effectsOf(r.step(heartbeat()), 'replyHaHeartbeat')).toEqual([{ kind: 'replyHaHeartbeat', reply: { staleEpoch: false, epoch: 4, isActive: false }, refusal: null, message: '' }]);
    expect(effectsOf(r.step(handshake({ isActive: true })), 'replyHandshake')).toEqual([
      { kind: 'replyHandshake', reply: { statestoreId: 'ss-test', isActive: false, epoch: 4 }, refusal: null, message: '' },
    ]);
  });

  it('a standby with priority only claims the role in its answer to a peer that is not active, and stays standby (beyond Impala)', () => {
    const r = new Rig(HA_FLAGS, activePeer());
    const fx = r.step(handshake({ isActive: false }));
    expect(effectsOf(fx, 'replyHandshake')).toMatchObject([{ reply: { statestoreId: 'ss-test', isActive: true, epoch: 4 } }]);
    expect(effectsOf(fx, 'roleChanged')).toEqual([]);
    expect(roleOf(r.state)).toBe('standby');
  });

  // Was a bug (libs/ha role-machine.ts): a paired standby that claimed the role in its answer
  // never sent the handshake of its own that would promote it, so both stayed standby for good
  // (the sender's recovery handshakes kept the claimer's peer detector alive). The claim now
  // owes exactly one handshake (claimPending); libs/ha testdata
  // restarted-active-priority-standby.txt has the same case step by step.
  it('a quickly restarted active and a standby with priority end up with one active', () => {
    const env = new NodeScenarioEnv();
    const flags =
      'enable_statestored_ha=true statestore_peer_timeout_seconds=5 statestore_ha_heartbeat_monitoring_frequency_ms=100 statestore_heartbeat_frequency_ms=100 statestore_ha_preemption_wait_period_ms=300 statestore_peer_cnxn_attempts=3';
    for (const cmd of [`node ss2 ${flags}`, 'advance 1s', `node ss1 ${flags}`, 'advance 1s', 'crash ss2', `node ss2 ${flags}`]) env.run(cmd);
    expect([env.run('status ss1'), env.run('status ss2')].map((line) => line.split(' ')[2])).toEqual(['standby', 'standby']);
    // ss1 (priority by address) asks ss2 itself at once and is promoted by ss2's answer; it stays so.
    env.run('advance 1s');
    expect([env.run('status ss1'), env.run('status ss2')].map((line) => line.split(' ')[2])).toEqual(['active', 'standby']);
    env.run('advance 60s');
    const roles = [env.run('status ss1'), env.run('status ss2')].map((line) => line.split(' ')[2]);
    expect(roles).toEqual(['active', 'standby']);
  });

  it('refuses an HA heartbeat addressed to another statestored (wrongDestination)', () => {
    const r = new Rig(HA_FLAGS, standbyPeer);
    expect(effectsOf(r.step(heartbeat({ dstStatestoreId: 'someone-else' })), 'replyHaHeartbeat')).toEqual([
      { kind: 'replyHaHeartbeat', reply: null, refusal: 'wrongDestination', message: 'HA heartbeat addressed to someone-else, this is ss-test' },
    ]);
  });

  it('refuses handshakes and HA heartbeats while the network is disabled (networkDisabled)', () => {
    const r = new Rig(HA_FLAGS, standbyPeer);
    r.step({ kind: 'setNetworkDisabled', disabled: true });
    expect(effectsOf(r.step(handshake()), 'replyHandshake')).toMatchObject([{ reply: null, refusal: 'networkDisabled' }]);
    expect(effectsOf(r.step(heartbeat()), 'replyHaHeartbeat')).toMatchObject([{ reply: null, refusal: 'networkDisabled' }]);
  });

  it('refuses a peer with an older protocol version (protocolVersion), a handshake carrying its own id (ownId), and everything without HA (haDisabled)', () => {
    const r = new Rig(HA_FLAGS, standbyPeer);
    expect(effectsOf(r.step(handshake({ protocolVersion: 0 })), 'replyHandshake')).toEqual([
      { kind: 'replyHandshake', reply: null, refusal: 'protocolVersion', message: 'peer protocol version 0 is older than 1' },
    ]);
    expect(effectsOf(r.step(heartbeat({ protocolVersion: 0 })), 'replyHaHeartbeat')).toMatchObject([{ reply: null, refusal: 'protocolVersion' }]);
    expect(effectsOf(r.step(handshake({ statestoreId: 'ss-test' })), 'replyHandshake')).toMatchObject([{ reply: null, refusal: 'ownId' }]);
    const lone = new Rig();
    expect(lone.step(handshake())).toEqual([{ kind: 'replyHandshake', reply: null, refusal: 'haDisabled', message: 'statestored HA is not enabled (--enable_statestored_ha)' }]);
    expect(lone.step(heartbeat())).toMatchObject([{ kind: 'replyHaHeartbeat', reply: null, refusal: 'haDisabled' }]);
  });
});

describe('haPage', () => {
  it('shows role, epoch, peer, recovery, pending notifications and the takeover view; undefined without HA', () => {
    const r = new Rig(HA_FLAGS, activePeer(4));
    r.register(1, { subscriberId: 'a' }, LOST_ACTIVE);
    r.until(isHeartbeat, 200);
    expect(haPage(r.state, r.now)).toEqual({
      statestore_id: 'ss-test',
      role: 'standby',
      is_active: false,
      active_epoch: 4,
      in_recovery_mode: false,
      connected_with_peer: true,
      peer_id: 'peer',
      peer_address: 'ss-b:24020',
      pending_role_notifications: 0,
      last_role_change_ms: T0,
      takeover: { peer_state: 'OK', lost_active: 1, subscribers: 1, verdict: 'waitPeerAlive' },
    });
    expect(haPage(new Rig().state, T0)).toBeUndefined();
  });
});
