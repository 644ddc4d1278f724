import { impaladFlags } from '@statestore-ha/config';
import { ConnState } from '@statestore-ha/proto';
import { subscriberOptionsFromFlags } from './subscriber-from-flags';

describe('subscriberOptionsFromFlags', () => {
  it("without HA: one statestored at --state_store_host:--state_store_port, Impala's defaults for timing", () => {
    const o = subscriberOptionsFromFlags(impaladFlags.parse([]));
    expect(o.statestores.map((s) => s.address)).toEqual(['localhost:24000']);
    expect(o.heartbeatTimeoutMs).toBe(30_000);
    // First retry fast, then back off to statestore_subscriber_cnxn_retry_interval_ms.
    expect(o.backoff).toEqual({ startingDelayMs: 100, maxDelayMs: 3000 });
    // tolerate_statestore_startup_delay defaults to true: keep trying.
    expect(o.startupAttempts).toBe(Number.POSITIVE_INFINITY);
    expect(o.tracker.active()).toBeUndefined();
  });

  it('with --enable_statestored_ha: both statestoreds, in flag order, and a tracker that checks epochs', () => {
    const o = subscriberOptionsFromFlags(
      impaladFlags.parse(['--enable_statestored_ha=true', '--state_store_host=ss-a', '--state_store_port=24000', '--state_store_2_host=ss-b', '--state_store_2_port=24001']),
    );
    expect(o.statestores.map((s) => s.address)).toEqual(['ss-a:24000', 'ss-b:24001']);
    // The HA tracker accepts a registration from statestored 2; without HA that is a wiring error.
    expect(o.tracker.registered(2, 'ss-b-id', true, 3, 0)).toMatchObject({ verdict: 'accept', change: { to: 2, epoch: 3 } });
  });

  it('without HA the tracker refuses statestored 2', () => {
    const o = subscriberOptionsFromFlags(impaladFlags.parse([]));
    expect(() => o.tracker.registered(2, 'x', true, 0, 0)).toThrow();
  });

  it('takes the timing flags: subscriber timeout, retry interval, a retry interval below the first retry, and a finite startup budget', () => {
    const o = subscriberOptionsFromFlags(
      impaladFlags.parse([
        '--statestore_subscriber_timeout_seconds=2',
        '--statestore_subscriber_cnxn_retry_interval_ms=50',
        '--tolerate_statestore_startup_delay=false',
        '--statestore_subscriber_cnxn_attempts=4',
        '--statestore_subscriber_recovery_grace_period_ms=700',
      ]),
    );
    expect(o.heartbeatTimeoutMs).toBe(2000);
    expect(o.backoff).toEqual({ startingDelayMs: 50, maxDelayMs: 50 });
    expect(o.startupAttempts).toBe(4);
    // The grace period reaches the tracker: a reconnect to the active starts 700 ms of grace.
    o.tracker.registered(1, 'ss', true, 0, 0);
    o.tracker.linkLost(1, 10);
    o.tracker.registered(1, 'ss', true, 0, 100);
    expect(o.tracker.inGracePeriod(799)).toBe(true);
    expect(o.tracker.inGracePeriod(800)).toBe(false);
  });

  it('starts the tracker at construction time, so a statestored never reached reads FAILED after the subscriber timeout', () => {
    const before = Date.now();
    const o = subscriberOptionsFromFlags(impaladFlags.parse(['--enable_statestored_ha=true', '--state_store_2_host=other', '--statestore_subscriber_timeout_seconds=2']));
    const after = Date.now();
    o.tracker.registered(2, 'ss-b', false, 0, after);
    expect(o.tracker.heartbeat(2, true, before + 1999)).toMatchObject({ connState: ConnState.CONN_STATE_OK });
    expect(o.tracker.heartbeat(2, true, after + 2001)).toMatchObject({ connState: ConnState.CONN_STATE_FAILED });
  });
});
