import { flagArgs } from './flag-args';

describe('flagArgs', () => {
  it("writes Impala's gflags form, one --name=value per flag, booleans spelled out", () => {
    expect(flagArgs({ state_store_port: 24000, enable_statestored_ha: true, force_catalogd_active: false, hostname: 'ss-1' })).toEqual([
      '--state_store_port=24000',
      '--enable_statestored_ha=true',
      '--force_catalogd_active=false',
      '--hostname=ss-1',
    ]);
  });

  it('keeps a value with spaces or = as one argument (no shell in between)', () => {
    expect(flagArgs({ debug_actions: 'A:FAIL@1.0|B:SLEEP@10', cluster_id: 'a b' })).toEqual(['--debug_actions=A:FAIL@1.0|B:SLEEP@10', '--cluster_id=a b']);
  });

  it('gives no arguments for no flags', () => {
    expect(flagArgs({})).toEqual([]);
  });
});
