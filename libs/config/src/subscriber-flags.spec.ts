import { catalogdFlags } from './catalogd-flags';
import { ConfigErrors, type ConfigError } from './config-error';
import { impaladFlags } from './impalad-flags';

// The subscriber group is shared, so its rules are checked through both daemons that use it.
const daemons = [
  ['catalogd', catalogdFlags, 23020],
  ['impalad', impaladFlags, 23000],
] as const;

function errorsOf(parse: () => unknown): readonly ConfigError[] {
  try {
    parse();
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors;
    throw e;
  }
  return [];
}

describe.each(daemons)('subscriber flags of %s', (_name, flags, subscriberPort) => {
  it("defaults to Impala's subscriber values", () => {
    const f = flags.parse([]);
    expect({
      enable_statestored_ha: f.enable_statestored_ha,
      state_store_host: f.state_store_host,
      state_store_port: f.state_store_port,
      state_store_2_host: f.state_store_2_host,
      state_store_2_port: f.state_store_2_port,
      state_store_subscriber_port: f.state_store_subscriber_port,
      statestore_subscriber_timeout_seconds: f.statestore_subscriber_timeout_seconds,
      statestore_subscriber_cnxn_attempts: f.statestore_subscriber_cnxn_attempts,
      statestore_subscriber_cnxn_retry_interval_ms: f.statestore_subscriber_cnxn_retry_interval_ms,
      statestore_subscriber_recovery_grace_period_ms: f.statestore_subscriber_recovery_grace_period_ms,
      tolerate_statestore_startup_delay: f.tolerate_statestore_startup_delay,
      statestore_client_rpc_timeout_ms: f.statestore_client_rpc_timeout_ms,
    }).toEqual({
      enable_statestored_ha: false,
      state_store_host: 'localhost',
      state_store_port: 24000,
      state_store_2_host: 'localhost',
      state_store_2_port: 24001,
      state_store_subscriber_port: subscriberPort,
      statestore_subscriber_timeout_seconds: 30,
      statestore_subscriber_cnxn_attempts: 10,
      statestore_subscriber_cnxn_retry_interval_ms: 3000,
      statestore_subscriber_recovery_grace_period_ms: 30000,
      tolerate_statestore_startup_delay: true,
      statestore_client_rpc_timeout_ms: 300000,
    });
  });

  it('with HA, refuses two addresses that are the same statestored', () => {
    const same = ['--enable_statestored_ha', '--state_store_host=LOCALHOST', '--state_store_2_host=127.0.0.1', '--state_store_2_port=24000'];
    const errors = errorsOf(() => flags.parse(same));
    expect(errors.map((e) => [e.flag, e.value])).toEqual([['state_store_2_port', '127.0.0.1:24000']]);
    expect(errors[0]?.rule).toContain('must differ from the first (--state_store_host=LOCALHOST --state_store_port=24000)');
  });

  it('accepts the same address twice without HA, and two ports or two hosts with HA', () => {
    expect(errorsOf(() => flags.parse(['--state_store_2_port=24000']))).toEqual([]);
    expect(errorsOf(() => flags.parse(['--enable_statestored_ha']))).toEqual([]);
    expect(errorsOf(() => flags.parse(['--enable_statestored_ha', '--state_store_host=ss-1', '--state_store_2_host=ss-2', '--state_store_2_port=24000']))).toEqual([]);
  });

  it('allows a zero grace period but not zero connection attempts', () => {
    expect(errorsOf(() => flags.parse(['--statestore_subscriber_recovery_grace_period_ms=0']))).toEqual([]);
    expect(errorsOf(() => flags.parse(['--statestore_subscriber_cnxn_attempts=0'])).map((e) => e.flag)).toEqual(['statestore_subscriber_cnxn_attempts']);
  });

  it('knows no statestored-only flag', () => {
    expect(errorsOf(() => flags.parse(['--statestore_heartbeat_frequency_ms=50'])).map((e) => e.flag)).toEqual(['statestore_heartbeat_frequency_ms']);
  });
});

describe('catalogdFlags', () => {
  it('has catalogd defaults', () => {
    const f = catalogdFlags.parse([]);
    expect([f.webserver_port, f.catalog_service_port, f.enable_catalogd_ha, f.force_catalogd_active]).toEqual([25020, 26000, false, false]);
  });

  it('refuses the service and web ports on one number', () => {
    expect(errorsOf(() => catalogdFlags.parse(['--catalog_service_port=25020'])).map((e) => e.flag)).toEqual(['webserver_port']);
  });

  it('help() renders every flag', () => {
    const help = catalogdFlags.help();
    for (const name of Object.keys(catalogdFlags.specs)) expect(help).toContain(`--${name}=<`);
  });
});

describe('impaladFlags', () => {
  it('has impalad defaults', () => {
    const f = impaladFlags.parse([]);
    expect([f.webserver_port, f.is_coordinator, f.is_executor, f.krpc_port, f.beeswax_port, f.cluster_id]).toEqual([25000, true, true, 27000, 21000, '']);
  });

  it('takes a coordinator-only or executor-only impalad, but not one with no role', () => {
    expect(impaladFlags.parse(['--nois_executor']).is_executor).toBe(false);
    expect(impaladFlags.parse(['--is_coordinator=false']).is_coordinator).toBe(false);
    expect(errorsOf(() => impaladFlags.parse(['--nois_coordinator', '--nois_executor'])).map((e) => e.flag)).toEqual(['is_executor']);
  });

  it('refuses colliding ports', () => {
    expect(errorsOf(() => impaladFlags.parse(['--krpc_port=21000'])).map((e) => e.message)).toEqual([
      '--krpc_port=21000: collides with --beeswax_port=21000: this daemon listens on both',
    ]);
  });

  it('help() renders every flag', () => {
    const help = impaladFlags.help();
    for (const name of Object.keys(impaladFlags.specs)) expect(help).toContain(`--${name}=<`);
  });
});
