/**
 * The statestored flags that tests and scenarios start from (node-rig.spec-helper.ts,
 * scenario-env.spec-helper.ts): one table, so a spec and a text scenario run the same configuration.
 * Not exported from index.ts: the daemon and the simulator take their flags from libs/config's
 * table, not from here.
 */
import type { StatestoredNodeFlags } from './node-config';

/**
 * Impala's defaults (statestore.cc, statestored-main.cc; libs/config's table has the same), except
 * the two priority flags, which are true here (Impala: false). Off, the startup tie between two
 * statestoreds and the catalogd election go by statestore ids and registration ids, random UUIDs
 * in a real statestored; on, by the HA addresses and subscriber ids that a test names, so the
 * outcome follows from what the test says.
 */
export const IMPALA_DEFAULTS: StatestoredNodeFlags = {
  enable_statestored_ha: false,
  statestore_force_active: false,
  use_network_address_as_statestore_priority: true,
  statestore_ha_preemption_wait_period_ms: 10000,
  statestore_peer_cnxn_attempts: 10,
  statestore_ha_heartbeat_monitoring_frequency_ms: 1000,
  statestore_peer_timeout_seconds: 30,
  statestore_heartbeat_frequency_ms: 1000,
  statestore_heartbeat_tcp_timeout_seconds: 3,
  statestore_max_missed_heartbeats: 10,
  statestore_update_frequency_ms: 2000,
  statestore_priority_update_frequency_ms: 100,
  statestore_update_tcp_timeout_seconds: 300,
  statestore_max_subscribers: 10000,
  statestore_max_topic_value_bytes: 128 * 1024 * 1024,
  update_statestore_rpc_resend_interval_ms: 100,
  statestore_ha_takeover_on_crash_evidence: true,
  statestore_update_statestore_tcp_timeout_seconds: 3,
  enable_catalogd_ha: false,
  use_subscriber_id_as_catalogd_priority: true,
  catalogd_ha_preemption_wait_period_ms: 10000,
  active_catalogd_designation_monitoring_interval_ms: 100,
  update_catalogd_rpc_resend_interval_ms: 100,
  statestore_update_catalogd_tcp_timeout_seconds: 3,
  heartbeat_monitoring_frequency_ms: 60000,
  debug_actions: '',
};
