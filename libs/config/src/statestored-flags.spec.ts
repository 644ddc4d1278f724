import { hostname } from 'node:os';
import { ConfigErrors, type ConfigError } from './config-error';
import type { LogLevel } from './daemon-flags';
import { statestoredFlags } from './statestored-flags';

function errorsOf(argv: readonly string[]): readonly ConfigError[] {
  try {
    statestoredFlags.parse(argv);
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors;
    throw e;
  }
  return [];
}

// Impala's defaults (reference/impala-statestore.md §3), written out so that changing one in the
// table is a deliberate act that also edits this list.
const IMPALA_DEFAULTS = {
  webserver_port: 25010,
  webserver_interface: '',
  log_level: 'info',
  flagfile: '',
  state_store_port: 24000,
  enable_statestored_ha: false,
  state_store_ha_port: 24020,
  state_store_peer_host: 'localhost',
  state_store_peer_ha_port: 24021,
  statestore_force_active: false,
  use_network_address_as_statestore_priority: false,
  statestore_ha_preemption_wait_period_ms: 10000,
  statestore_ha_heartbeat_monitoring_frequency_ms: 1000,
  statestore_peer_timeout_seconds: 30,
  statestore_peer_cnxn_attempts: 10,
  statestore_peer_cnxn_retry_interval_ms: 1000,
  statestore_ha_client_rpc_timeout_ms: 300000,
  statestore_ha_client_rpc_conn_timeout_ms: 0,
  statestore_update_statestore_tcp_timeout_seconds: 3,
  update_statestore_rpc_resend_interval_ms: 100,
  statestore_max_missed_heartbeats: 10,
  statestore_heartbeat_frequency_ms: 1000,
  statestore_heartbeat_tcp_timeout_seconds: 3,
  statestore_update_frequency_ms: 2000,
  statestore_priority_update_frequency_ms: 100,
  statestore_max_subscribers: 10000,
  statestore_update_tcp_timeout_seconds: 300,
  statestore_update_catalogd_tcp_timeout_seconds: 3,
  heartbeat_monitoring_frequency_ms: 60000,
  enable_catalogd_ha: false,
  use_subscriber_id_as_catalogd_priority: false,
  catalogd_ha_preemption_wait_period_ms: 10000,
  active_catalogd_designation_monitoring_interval_ms: 100,
  update_catalogd_rpc_resend_interval_ms: 100,
  debug_actions: '',
  statestore_max_topic_value_bytes: 128 * 1024 * 1024,
  // ours: Impala has no crash-evidence fast path
  statestore_ha_takeover_on_crash_evidence: true,
};

describe('statestoredFlags', () => {
  it("defaults to Impala's values and the machine hostname, with no other flags", () => {
    expect(statestoredFlags.parse([])).toEqual({ ...IMPALA_DEFAULTS, hostname: hostname() });
  });

  it('types log_level as the closed set of levels', () => {
    const level: LogLevel = statestoredFlags.parse(['--log_level=debug']).log_level;
    expect(level).toBe('debug');
  });

  it('is not a subscriber: the subscriber-side flags are unknown to it', () => {
    expect(errorsOf(['--statestore_subscriber_recovery_grace_period_ms=1', '--state_store_2_port=1']).map((e) => e.flag)).toEqual([
      'statestore_subscriber_recovery_grace_period_ms',
      'state_store_2_port',
    ]);
  });

  it('takes the short timings the failover tests use', () => {
    const f = statestoredFlags.parse([
      '--enable_statestored_ha',
      '--statestore_ha_heartbeat_monitoring_frequency_ms=50',
      '--statestore_peer_timeout_seconds=2',
      '--statestore_heartbeat_frequency_ms=50',
      '--state_store_port=24001',
      '--state_store_ha_port=24021',
      '--state_store_peer_ha_port=24020',
    ]);
    expect([f.statestore_ha_heartbeat_monitoring_frequency_ms, f.statestore_peer_timeout_seconds, f.state_store_peer_ha_port]).toEqual([50, 2, 24020]);
  });

  it('refuses 0 peer connection attempts (Impala would then never look for its peer)', () => {
    expect(errorsOf(['--statestore_peer_cnxn_attempts=0']).map((e) => e.rule)).toEqual(['must be an integer in [1, 2147483647]']);
  });

  it('accepts 0 as the HA connect timeout (no separate connect timeout)', () => {
    expect(errorsOf(['--statestore_ha_client_rpc_conn_timeout_ms=0'])).toEqual([]);
  });

  it('bounds seconds flags so that they still fit a Node timer in ms', () => {
    expect(errorsOf(['--statestore_peer_timeout_seconds=2147484']).map((e) => e.rule)).toEqual(['must be an integer in [1, 2147483]']);
  });

  describe('cross-field checks', () => {
    it('wants priority updates at least as frequent as normal ones', () => {
      expect(errorsOf(['--statestore_priority_update_frequency_ms=2001']).map((e) => e.message)).toEqual([
        '--statestore_priority_update_frequency_ms=2001: must be <= --statestore_update_frequency_ms=2000: priority topics are the frequent ones',
      ]);
      expect(errorsOf(['--statestore_priority_update_frequency_ms=2000'])).toEqual([]);
    });

    it('wants the peer timeout longer than the HA heartbeat period, with HA on', () => {
      const argv = ['--statestore_peer_timeout_seconds=1', '--statestore_ha_heartbeat_monitoring_frequency_ms=1000'];
      expect(errorsOf(argv)).toEqual([]);
      expect(errorsOf(['--enable_statestored_ha', ...argv]).map((e) => e.flag)).toEqual(['statestore_peer_timeout_seconds']);
      expect(errorsOf(['--enable_statestored_ha', '--statestore_peer_timeout_seconds=1', '--statestore_ha_heartbeat_monitoring_frequency_ms=999'])).toEqual([]);
    });

    it('refuses a peer address that is this statestored, in any loopback spelling', () => {
      for (const host of ['localhost', '127.0.0.1', hostname()]) {
        const errors = errorsOf(['--enable_statestored_ha', `--state_store_peer_host=${host}`, '--state_store_peer_ha_port=24020']);
        expect(errors.map((e) => e.flag)).toEqual(['state_store_peer_ha_port']);
      }
      expect(errorsOf(['--enable_statestored_ha', '--state_store_peer_host=ss-2', '--state_store_peer_ha_port=24020'])).toEqual([]);
    });

    it('refuses two listeners on one port, the HA port only with HA on', () => {
      expect(errorsOf(['--webserver_port=24000']).map((e) => e.message)).toEqual([
        '--webserver_port=24000: collides with --state_store_port=24000: this daemon listens on both',
      ]);
      expect(errorsOf(['--state_store_ha_port=24000', '--state_store_peer_ha_port=24030'])).toEqual([]);
      expect(errorsOf(['--enable_statestored_ha', '--state_store_ha_port=24000', '--state_store_peer_ha_port=24030']).map((e) => e.flag)).toEqual([
        'state_store_ha_port',
      ]);
    });

    it('reports the cross-field errors together with the per-flag ones', () => {
      const errors = errorsOf(['--enable_statestored_ha', '--state_store_peer_ha_port=24020', '--statestore_max_subscribers=0', '--log_level=loud']);
      expect(errors.map((e) => e.flag).sort()).toEqual(['log_level', 'state_store_peer_ha_port', 'statestore_max_subscribers']);
    });
  });

  describe('debug_actions', () => {
    it('accepts DISABLE_STATESTORE_NETWORK and LABEL:COMMAND entries', () => {
      expect(errorsOf(['--debug_actions=DISABLE_STATESTORE_NETWORK'])).toEqual([]);
      expect(errorsOf(['--debug_actions=SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMPT:FAIL@1.0'])).toEqual([]);
    });

    it('has no test-only switch of its own: the unsafe skip-majority bug is a debug action', () => {
      expect(errorsOf(['--statestore_ha_unsafe_skip_majority_check=true'])[0]?.message).toMatch(/unknown flag/);
      expect(errorsOf(['--debug_actions=STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK'])).toEqual([]);
    });

    it('refuses a retry interval that Impala overwrites anyway, naming what to set instead', () => {
      expect(errorsOf(['--statestore_peer_cnxn_retry_interval_ms=500']).map((e) => e.message)).toEqual([
        '--statestore_peer_cnxn_retry_interval_ms=500: not supported: Impala replaces it with statestore_ha_preemption_wait_period_ms / statestore_peer_cnxn_attempts; set those instead',
      ]);
      expect(errorsOf(['--statestore_peer_cnxn_retry_interval_ms=1000'])).toEqual([]);
    });

    it('names an unknown label', () => {
      const [error] = errorsOf(['--debug_actions=SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMP:FAIL']);
      expect(error?.flag).toBe('debug_actions');
      expect(error?.rule).toContain('unknown label "SEND_UPDATE_STATESTORED_RPC_FIRST_ATTEMP"');
    });
  });

  it('help() renders every flag with its default, and the range of every bounded one', () => {
    const help = statestoredFlags.help();
    for (const [name, spec] of Object.entries(statestoredFlags.specs)) {
      expect(help).toContain(`--${name}=<${spec.type}>  default: ${JSON.stringify(spec.default)}`);
      if ((spec.type === 'int' || spec.type === 'double') && spec.min !== undefined && spec.max !== undefined) {
        expect(help).toContain(`--${name}=<${spec.type}>  default: ${JSON.stringify(spec.default)}  range: [${spec.min}, ${spec.max}]`);
      }
    }
    expect(help).toContain('TEST ONLY: fault hooks, DISABLE_STATESTORE_NETWORK, STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK');
    expect(Object.keys(statestoredFlags.specs).sort()).toEqual(Object.keys({ ...IMPALA_DEFAULTS, hostname: '' }).sort());
  });
});
