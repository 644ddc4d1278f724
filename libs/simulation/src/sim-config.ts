/**
 * The flags the simulated cluster runs with: Impala's names, parsed by libs/config's own table
 * (the one the daemons read), scaled down so thousands of schedules fit in a CI minute (Impala's
 * own HA tests shrink them the same way: 2 s peer and subscriber timeouts, 50-100 ms monitoring).
 * Ratios follow Impala's defaults: timeouts are about 10 heartbeats, a subscriber is dropped after
 * max-missed heartbeats.
 */
import { flagArgs, impaladFlags, statestoredFlags, type FlagValue, type ImpaladFlags, type StatestoredFlags } from '@statestore-ha/config';

/** statestored flags of every simulated statestored (beyond the table's defaults). */
export const SIM_STATESTORED_FLAGS: Readonly<Record<string, FlagValue>> = {
  enable_statestored_ha: true,
  statestore_heartbeat_frequency_ms: 100,
  statestore_max_missed_heartbeats: 5,
  statestore_heartbeat_tcp_timeout_seconds: 1,
  statestore_update_frequency_ms: 200,
  statestore_priority_update_frequency_ms: 100,
  statestore_update_tcp_timeout_seconds: 1,
  statestore_peer_timeout_seconds: 1,
  statestore_ha_heartbeat_monitoring_frequency_ms: 100,
  statestore_ha_preemption_wait_period_ms: 500,
  statestore_peer_cnxn_attempts: 5,
  update_statestore_rpc_resend_interval_ms: 100,
  statestore_update_statestore_tcp_timeout_seconds: 1,
  enable_catalogd_ha: true,
  use_subscriber_id_as_catalogd_priority: true,
  catalogd_ha_preemption_wait_period_ms: 300,
  active_catalogd_designation_monitoring_interval_ms: 100,
  update_catalogd_rpc_resend_interval_ms: 100,
  statestore_update_catalogd_tcp_timeout_seconds: 1,
};

/** Subscriber flags of every simulated catalogd and impalad. */
export const SIM_SUBSCRIBER_FLAGS: Readonly<Record<string, FlagValue>> = {
  enable_statestored_ha: true,
  statestore_subscriber_timeout_seconds: 1,
  statestore_subscriber_cnxn_retry_interval_ms: 100,
  statestore_subscriber_recovery_grace_period_ms: 500,
};

export interface SimConfig {
  readonly statestored: StatestoredFlags;
  readonly subscriber: ImpaladFlags;
  /** Largest one-way network delay once faults are healed (a network property, not a flag). */
  readonly healedMaxDelayMs: number;
}

export interface SimConfigOverrides {
  readonly statestored?: Readonly<Record<string, FlagValue>>;
  readonly subscriber?: Readonly<Record<string, FlagValue>>;
  readonly healedMaxDelayMs?: number;
}

/** Parses the simulator's flags through the daemons' own tables (a bad override throws ConfigErrors). */
export function simConfig(o: SimConfigOverrides = {}): SimConfig {
  return {
    statestored: statestoredFlags.parse(flagArgs({ ...SIM_STATESTORED_FLAGS, ...o.statestored })),
    subscriber: impaladFlags.parse(flagArgs({ ...SIM_SUBSCRIBER_FLAGS, ...o.subscriber })),
    healedMaxDelayMs: o.healedMaxDelayMs ?? 5,
  };
}
