import { haConfigFromFlags, type StatestoreHaFlags } from './ha-config';

const flags: StatestoreHaFlags = {
  statestore_force_active: false,
  use_network_address_as_statestore_priority: true,
  statestore_ha_preemption_wait_period_ms: 10000,
  statestore_peer_cnxn_attempts: 10,
  statestore_ha_heartbeat_monitoring_frequency_ms: 1000,
  statestore_peer_timeout_seconds: 30,
  statestore_max_missed_heartbeats: 10,
  statestore_ha_takeover_on_crash_evidence: true,
};

describe('haConfigFromFlags', () => {
  it('derives the handshake retry interval from the preemption wait (Impala: wait / attempts)', () => {
    const c = haConfigFromFlags(flags, { statestoreId: 'x', selfAddress: 'h0:24020', peerAddress: 'h1:24021' });
    expect(c.peerCnxnRetryIntervalMs).toBe(1000);
    expect(c.peerTimeoutMs).toBe(30000);
    expect(c.epochSlot).toBe(0);
    expect(haConfigFromFlags(flags, { statestoreId: 'y', selfAddress: 'h1:24021', peerAddress: 'h0:24020' }).epochSlot).toBe(1);
  });

  it('with 0 attempts there is no retry interval (Impala makes no attempt)', () => {
    expect(haConfigFromFlags({ ...flags, statestore_peer_cnxn_attempts: 0 }, { statestoreId: 'x', selfAddress: 'a:1', peerAddress: 'b:1' }).peerCnxnRetryIntervalMs).toBe(0);
  });
});
