import { ConnState } from '@statestore-ha/proto';
import { ActiveTracker } from './active-tracker';

const TIMEOUT = 1000;
const GRACE = 5000;

const ha = (): ActiveTracker => new ActiveTracker({ haEnabled: true, subscriberTimeoutMs: TIMEOUT, recoveryGracePeriodMs: GRACE });

describe('ActiveTracker without HA', () => {
  const single = (): ActiveTracker => new ActiveTracker({ haEnabled: false, subscriberTimeoutMs: TIMEOUT, recoveryGracePeriodMs: GRACE });

  it('follows statestored 1 from its registration reply, epoch 0', () => {
    const t = single();
    expect(t.active()).toBeUndefined();
    expect(t.registered(1, 'ss-a', true, 0, 0)).toEqual({ verdict: 'accept', change: { from: undefined, to: 1, epoch: 0, failover: false }, reports: [] });
    expect(t.active()).toBe(1);
    expect(t.acceptFrom(1, 0, 10)).toEqual({ verdict: 'accept', change: undefined, reports: [] });
    expect(t.highestEpoch()).toBe(0);
  });

  it('checks no epochs: any epoch from statestored 1 is taken', () => {
    const t = single();
    t.registered(1, 'ss-a', true, 0, 0);
    expect(t.acceptFrom(1, 9, 1).verdict).toBe('accept');
    expect(t.acceptFrom(1, 0, 2).verdict).toBe('accept');
    expect(t.roleNotification(1, true, 0, 3).verdict).toBe('accept');
  });

  it('never reports a link state to an other statestored (there is none)', () => {
    const t = single();
    t.registered(1, 'ss-a', true, 0, 0);
    expect(t.heartbeat(1, true, 10)).toEqual({ connState: ConnState.CONN_STATE_UNKNOWN });
  });

  it('refuses to hear from statestored 2 (a wiring bug, not a protocol outcome)', () => {
    expect(() => single().registered(2, 'ss-b', true, 0, 0)).toThrow(/without --enable_statestored_ha/);
  });
});

describe('ActiveTracker with HA', () => {
  it('follows the statestored whose registration reply says it is active', () => {
    const t = ha();
    expect(t.registered(1, 'ss-a', false, 0, 0)).toEqual({ verdict: 'accept', change: undefined, reports: [] });
    expect(t.active()).toBeUndefined();
    expect(t.registered(2, 'ss-b', true, 4, 5)).toEqual({ verdict: 'accept', change: { from: undefined, to: 2, epoch: 4, failover: false }, reports: [] });
    expect(t.active()).toBe(2);
    expect(t.highestEpoch()).toBe(4);
    expect(t.inGracePeriod(5)).toBe(false);
  });

  it('skips updates and role notifications from a statestored it has not registered with', () => {
    const t = ha();
    t.registered(2, 'ss-b', true, 4, 0);
    // Statestored 1 has not answered a registration yet: Impala's skipped=true.
    expect(t.acceptFrom(1, 4, 1)).toEqual({ verdict: 'skip', change: undefined, reports: [] });
    expect(t.roleNotification(1, true, 9, 1)).toEqual({ verdict: 'skip', change: undefined, reports: [] });
    expect(t.active()).toBe(2);
  });

  it('rejects a stale epoch, from either statestored, and keeps following the current active', () => {
    const t = ha();
    t.registered(1, 'ss-a', false, 0, 0);
    t.registered(2, 'ss-b', true, 4, 0);
    expect(t.acceptFrom(1, 3, 1).verdict).toBe('stale');
    expect(t.roleNotification(1, true, 3, 2).verdict).toBe('stale');
    expect(t.acceptFrom(2, 2, 3).verdict).toBe('stale');
    // The same epoch belongs to the statestored that claimed it first.
    expect(t.acceptFrom(1, 4, 4).verdict).toBe('stale');
    expect(t.acceptFrom(2, 4, 5)).toEqual({ verdict: 'accept', change: undefined, reports: [] });
    expect(t.active()).toBe(2);
    expect(t.highestEpoch()).toBe(4);
  });

  it('does not follow a registration reply that claims active under an older epoch', () => {
    const t = ha();
    t.registered(2, 'ss-b', true, 4, 0);
    expect(t.registered(1, 'ss-a', true, 2, 1)).toEqual({ verdict: 'stale', change: undefined, reports: [] });
    expect(t.active()).toBe(2);
  });

  it('fails over to a statestored announcing a newer epoch, and starts the grace period there', () => {
    const t = ha();
    t.registered(1, 'ss-a', true, 1, 0);
    t.registered(2, 'ss-b', false, 0, 0);
    expect(t.inGracePeriod(100)).toBe(false);
    expect(t.roleNotification(2, true, 2, 1000)).toEqual({ verdict: 'accept', change: { from: 1, to: 2, epoch: 2, failover: true }, reports: [] });
    expect(t.active()).toBe(2);
    expect(t.highestEpoch()).toBe(2);
    expect(t.inGracePeriod(1000)).toBe(true);
    expect(t.inGracePeriod(1000 + GRACE - 1)).toBe(true);
    expect(t.inGracePeriod(1000 + GRACE)).toBe(false);
    // The old active is now stale.
    expect(t.acceptFrom(1, 1, 1001).verdict).toBe('stale');
  });

  it('follows a topic update under a newer epoch whose role notification has not arrived', () => {
    const t = ha();
    t.registered(1, 'ss-a', true, 1, 0);
    t.registered(2, 'ss-b', false, 0, 0);
    expect(t.acceptFrom(2, 3, 50)).toEqual({ verdict: 'accept', change: { from: 1, to: 2, epoch: 3, failover: true }, reports: [] });
  });

  it('stops following an active that announces it stepped down', () => {
    const t = ha();
    t.registered(1, 'ss-a', true, 1, 0);
    expect(t.roleNotification(1, false, 1, 10)).toEqual({ verdict: 'accept', change: { from: 1, to: undefined, epoch: 1, failover: false }, reports: [] });
    expect(t.active()).toBeUndefined();
  });

  it('starts the grace period when it registers again with the active after losing the link', () => {
    const t = ha();
    t.registered(1, 'ss-a', true, 1, 0);
    expect(t.linkLost(1, 100)).toEqual({ verdict: 'accept', change: undefined, reports: [] });
    expect(t.inGracePeriod(200)).toBe(false);
    t.registered(1, 'ss-a', true, 1, 200);
    expect(t.active()).toBe(1);
    expect(t.inGracePeriod(200 + GRACE - 1)).toBe(true);
    expect(t.inGracePeriod(200 + GRACE)).toBe(false);
  });

  it("reports its link to the OTHER statestored when the heartbeat asks: unknown, ok, then failed after the subscriber timeout", () => {
    const t = ha();
    // Nothing heard from statestored 1 yet.
    expect(t.heartbeat(2, true, 0)).toEqual({ connState: ConnState.CONN_STATE_UNKNOWN });
    t.registered(1, 'ss-a', true, 1, 0);
    expect(t.heartbeat(2, true, 10)).toEqual({ connState: ConnState.CONN_STATE_OK });
    // Merely suspected (over half the timeout) still reads as OK: only FAILED counts for takeover.
    expect(t.heartbeat(2, true, TIMEOUT * 0.75)).toEqual({ connState: ConnState.CONN_STATE_OK });
    expect(t.heartbeat(2, true, TIMEOUT + 1)).toEqual({ connState: ConnState.CONN_STATE_FAILED });
    // A heartbeat from statestored 1 is a sign of life on that link again.
    t.heartbeat(1, false, TIMEOUT + 2);
    expect(t.heartbeat(2, true, TIMEOUT + 3)).toEqual({ connState: ConnState.CONN_STATE_OK });
  });

  it('with its start time given, reports a statestored it never reached as FAILED once the subscriber timeout has passed', () => {
    const t = new ActiveTracker({ haEnabled: true, subscriberTimeoutMs: TIMEOUT, recoveryGracePeriodMs: GRACE }, 5000);
    t.registered(2, 'ss-b', false, 0, 5000);
    // The start counts as the last sign of life of statestored 1 (beyond Impala, which says UNKNOWN forever).
    expect(t.heartbeat(2, true, 5000 + TIMEOUT)).toEqual({ connState: ConnState.CONN_STATE_OK });
    expect(t.heartbeat(2, true, 5000 + TIMEOUT + 1)).toEqual({ connState: ConnState.CONN_STATE_FAILED });
    // Without it, a statestored never heard from stays UNKNOWN.
    const plain = ha();
    plain.registered(2, 'ss-b', false, 0, 0);
    expect(plain.heartbeat(2, true, 10 * TIMEOUT)).toEqual({ connState: ConnState.CONN_STATE_UNKNOWN });
  });

  it('reports REFUSED about the active the moment a reconnect to it is refused, and OK once it registers again', () => {
    const t = ha();
    t.registered(1, 'ss-a', true, 1, 0);
    t.registered(2, 'ss-b', false, 0, 0);
    t.linkLost(1, 100);
    expect(t.connectRefused(1, 150).reports).toEqual([{ about: 1, connState: ConnState.CONN_STATE_REFUSED }]);
    // A second refusal changes nothing to report; the heartbeat answer says REFUSED too.
    expect(t.connectRefused(1, 250).reports).toEqual([]);
    expect(t.heartbeat(2, true, 260)).toEqual({ connState: ConnState.CONN_STATE_REFUSED });
    expect(t.registered(1, 'ss-a', true, 1, 400).reports).toEqual([{ about: 1, connState: ConnState.CONN_STATE_OK }]);
    expect(t.heartbeat(2, true, 410)).toEqual({ connState: ConnState.CONN_STATE_OK });
  });

  it('answers UNKNOWN when the heartbeat does not ask for the link state', () => {
    const t = ha();
    t.registered(1, 'ss-a', true, 1, 0);
    expect(t.heartbeat(2, false, 10)).toEqual({ connState: ConnState.CONN_STATE_UNKNOWN });
  });

  it('forgets what a restarted statestored (new statestore_id) claimed before', () => {
    const t = ha();
    t.registered(1, 'ss-a', true, 3, 0);
    t.registered(2, 'ss-b', false, 0, 0);
    t.linkLost(1, 10);
    // Restarted as ss-a2 and standby now; it must not stay the followed one.
    expect(t.registered(1, 'ss-a2', false, 0, 20)).toEqual({ verdict: 'accept', change: { from: 1, to: undefined, epoch: 3, failover: false }, reports: [] });
    expect(t.active()).toBeUndefined();
  });
});
