import { catalogdHaSpec, statePortSpec, statestoredHaSpec } from './cluster-flags';
import { ConfigError } from './config-error';
import { distinctPorts, endpointKey, type CrossFieldCheck } from './cross-field-check';
import { daemonFlagSpecs, type DaemonFlagSpecs } from './daemon-flags';
import { parseDebugActions } from '@statestore-ha/statestored-node';
import { boolFlag, countFlag, millisFlag, portFlag, secondsFlag, stringFlag, type FlagValues } from './flag-spec';
import { FlagSet } from './flag-set';

// Names and defaults: Impala be/src/statestore/statestore.cc and statestored-main.cc
// (reference/impala-statestore.md §3).

const haSpecs = {
  ...statePortSpec,
  ...statestoredHaSpec,
  state_store_ha_port: portFlag(24020, 'StatestoreHaService port: HA handshakes and heartbeats from the peer statestored arrive here.'),
  state_store_peer_host: stringFlag('localhost', 'Host of the peer statestored of the HA pair.', {
    validate: (v) => (v.trim() === '' ? 'must not be empty' : undefined),
  }),
  // Impala's default is 24021 although its docs say 24020: two statestoreds on one host (the
  // minicluster) each point at the other's HA port.
  state_store_peer_ha_port: portFlag(24021, "The peer statestored's state_store_ha_port."),
  statestore_force_active: boolFlag(false, 'Become active even if the peer is active (manual failover); the peer demotes itself.'),
  use_network_address_as_statestore_priority: boolFlag(
    false,
    'Break the startup tie by the lower host:ha_port string instead of the lower random statestore id.',
  ),
  statestore_ha_preemption_wait_period_ms: millisFlag(
    10000,
    'How long (ms) startup keeps trying to reach the peer before becoming active alone.',
  ),
  statestore_ha_heartbeat_monitoring_frequency_ms: millisFlag(
    1000,
    'Period (ms) of the HA loop: the active heartbeats the standby, the standby checks whether to take over.',
  ),
  // Impala keeps this an int32 of seconds; sub-second failover tests shorten it to 1-2 s.
  statestore_peer_timeout_seconds: secondsFlag(30, 'Seconds without an HA heartbeat before the standby considers the active failed.'),
  // Impala's help says 0 means "retry forever", but SendHaHandshake's loop then makes no attempt
  // at all and the statestored starts active without looking for its peer: refuse 0.
  statestore_peer_cnxn_attempts: countFlag(10, 'Handshake attempts to reach the peer at startup and in recovery mode.'),
  // statestore.cc overwrites it with preemption wait / attempts whenever attempts > 0, which
  // here is always (0 attempts is refused): it can never act, so only its default is accepted,
  // and an Impala command line that sets it is told what to set instead.
  statestore_peer_cnxn_retry_interval_ms: {
    ...millisFlag(1000, 'Not settable: as in Impala, the pause between handshake attempts is statestore_ha_preemption_wait_period_ms / statestore_peer_cnxn_attempts.'),
    validate: (v: number) =>
      v === 1000
        ? undefined
        : 'not supported: Impala replaces it with statestore_ha_preemption_wait_period_ms / statestore_peer_cnxn_attempts; set those instead',
  },
  statestore_ha_client_rpc_timeout_ms: millisFlag(300000, 'Deadline (ms) of one HA RPC (handshake, HA heartbeat) to the peer statestored.'),
  // 0 is Impala's "no separate connect timeout": the RPC deadline above bounds the connect too.
  statestore_ha_client_rpc_conn_timeout_ms: millisFlag(
    0,
    'How long (ms) an HA RPC waits for the connection to the peer statestored before it fails; 0 means only statestore_ha_client_rpc_timeout_ms bounds it.',
    0,
  ),
  statestore_update_statestore_tcp_timeout_seconds: secondsFlag(
    3,
    'Deadline (s) of one role notification (UpdateStatestoredRole) to a subscriber: unanswered this long, it counts as failed and is resent.',
  ),
  update_statestore_rpc_resend_interval_ms: millisFlag(100, 'Period (ms) at which a new active resends role notifications that failed.'),
  // Ours: Impala always waits out statestore_peer_timeout_seconds.
  statestore_ha_takeover_on_crash_evidence: boolFlag(
    true,
    "Take over at once, without waiting out statestore_peer_timeout_seconds, when the active's process is provably gone: this statestored's link to it ended and reconnecting is refused, and so say more than half of the subscribers (REFUSED). Partitions and reset links still wait for the timeout.",
  ),
};

const subscriberHandlingSpecs = {
  // At least 1: 0 would drop a subscriber on its first lost heartbeat, one dropped packet.
  statestore_max_missed_heartbeats: countFlag(
    10,
    'Consecutive failed heartbeats after which a subscriber is dropped and its transient entries deleted.',
  ),
  statestore_heartbeat_frequency_ms: millisFlag(1000, 'Period (ms) between heartbeats to each subscriber.'),
  statestore_heartbeat_tcp_timeout_seconds: secondsFlag(
    3,
    'Seconds a heartbeat may go unanswered before it counts as missed; the next one goes a period later (a hung subscriber is dropped after max_missed x (this + period)).',
  ),
  statestore_update_frequency_ms: millisFlag(2000, 'Period (ms) of topic updates for non-priority topics (catalog-update).'),
  statestore_priority_update_frequency_ms: millisFlag(
    100,
    'Period (ms) of topic updates for priority topics (names ending in impala-membership or impala-request-queue).',
  ),
  // At least 1: with 0 every registration is refused and the statestored serves nobody.
  statestore_max_subscribers: countFlag(10000, 'Registrations beyond this many subscribers are refused ("Maximum subscriber limit reached").'),
  statestore_update_tcp_timeout_seconds: secondsFlag(300, 'Deadline (s) of one topic update to a subscriber: unanswered this long, the same range is sent again.'),
  statestore_update_catalogd_tcp_timeout_seconds: secondsFlag(
    3,
    'Deadline (s) of one active-catalogd notification (UpdateCatalogd) to a subscriber: unanswered this long, it counts as failed and is resent.',
  ),
  heartbeat_monitoring_frequency_ms: millisFlag(
    60000,
    'Period (ms) of the log line and the statestore_subscribers_received_heartbeat gauge counting subscribers that answered a heartbeat meanwhile.',
  ),
  // Ours, not Impala's: Thrift had no limit, but a gRPC message must fit in a signed 32-bit length,
  // and the apps must raise grpc-js's 4 MiB receive limit to at least this.
  statestore_max_topic_value_bytes: {
    type: 'int' as const,
    default: 128 * 1024 * 1024,
    min: 1,
    max: 2_147_483_647,
    help: 'Largest single topic value (bytes) accepted from a subscriber; larger entries are refused.',
  },
};

const catalogdHaSpecs = {
  ...catalogdHaSpec,
  use_subscriber_id_as_catalogd_priority: boolFlag(
    false,
    'Elect the catalogd with the lower subscriber id instead of the lower random registration id, so every statestored picks the same one.',
  ),
  catalogd_ha_preemption_wait_period_ms: millisFlag(10000, 'How long (ms) a lone first catalogd waits for a second before it is made active.'),
  active_catalogd_designation_monitoring_interval_ms: millisFlag(100, 'Period (ms) of the check that promotes a lone catalogd once the wait is over.'),
  update_catalogd_rpc_resend_interval_ms: millisFlag(100, 'Period (ms) at which failed or skipped active-catalogd notifications are resent.'),
};

const testOnlySpecs = {
  debug_actions: stringFlag('', 'TEST ONLY: fault hooks, DISABLE_STATESTORE_NETWORK, STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK or LABEL:FAIL|SLEEP|JITTER@param entries joined by |; each is logged at start and exported as statestore_debug_action_enabled.', {
    validate: (v) => {
      const parsed = parseDebugActions(v);
      return parsed.ok ? undefined : parsed.problems.join('; ');
    },
  }),
};

export type StatestoredFlags = FlagValues<DaemonFlagSpecs & typeof haSpecs & typeof subscriberHandlingSpecs & typeof catalogdHaSpecs & typeof testOnlySpecs>;

const checks: readonly CrossFieldCheck<StatestoredFlags>[] = [
  {
    // Priority topics exist to be sent more often (statestore.cc: 100 ms vs 2000 ms).
    reads: ['statestore_priority_update_frequency_ms', 'statestore_update_frequency_ms'],
    check: (f) =>
      f.statestore_priority_update_frequency_ms <= f.statestore_update_frequency_ms
        ? undefined
        : new ConfigError(
            'statestore_priority_update_frequency_ms',
            f.statestore_priority_update_frequency_ms,
            `must be <= --statestore_update_frequency_ms=${f.statestore_update_frequency_ms}: priority topics are the frequent ones`,
          ),
  },
  {
    // The active sends an HA heartbeat every monitoring period; a standby whose timeout is not
    // longer than that period declares a healthy active failed between two heartbeats.
    reads: ['enable_statestored_ha', 'statestore_peer_timeout_seconds', 'statestore_ha_heartbeat_monitoring_frequency_ms'],
    check: (f) =>
      !f.enable_statestored_ha || f.statestore_peer_timeout_seconds * 1000 > f.statestore_ha_heartbeat_monitoring_frequency_ms
        ? undefined
        : new ConfigError(
            'statestore_peer_timeout_seconds',
            f.statestore_peer_timeout_seconds,
            `must be longer than --statestore_ha_heartbeat_monitoring_frequency_ms=${f.statestore_ha_heartbeat_monitoring_frequency_ms}: the standby would time out between two HA heartbeats`,
          ),
  },
  {
    // A statestored whose peer address is its own HA endpoint handshakes with itself; Impala
    // ignores a handshake carrying its own id, so it would sit out the whole preemption wait
    // and start active believing it has no peer.
    reads: ['enable_statestored_ha', 'hostname', 'state_store_peer_host', 'state_store_peer_ha_port', 'state_store_ha_port'],
    check: (f) =>
      f.enable_statestored_ha &&
      endpointKey(f.state_store_peer_host, f.state_store_peer_ha_port, f.hostname) === endpointKey(f.hostname, f.state_store_ha_port, f.hostname)
        ? new ConfigError(
            'state_store_peer_ha_port',
            f.state_store_peer_ha_port,
            `with --state_store_peer_host=${f.state_store_peer_host} this is our own --state_store_ha_port: the peer must be the other statestored`,
          )
        : undefined,
  },
  distinctPorts<StatestoredFlags>(['state_store_port', 'webserver_port'], (f) => !f.enable_statestored_ha),
  distinctPorts<StatestoredFlags>(['state_store_port', 'state_store_ha_port', 'webserver_port'], (f) => f.enable_statestored_ha),
  // Not checked: statestore_heartbeat_tcp_timeout_seconds against statestore_heartbeat_frequency_ms.
  // As Impala (DoSubscriberUpdate), the next heartbeat goes when the previous one returns or
  // times out, so a timeout longer than the period only slows detection of a hung subscriber.
];

export const statestoredFlags = new FlagSet<StatestoredFlags>({
  daemon: 'statestored',
  groups: [
    { title: 'Daemon', specs: daemonFlagSpecs(25010) },
    { title: 'statestored: ports and StateStore HA', specs: haSpecs },
    { title: 'statestored: subscribers, heartbeats and topic updates', specs: subscriberHandlingSpecs },
    { title: 'statestored: catalogd HA', specs: catalogdHaSpecs },
    { title: 'statestored: test only', specs: testOnlySpecs },
  ],
  checks,
});
