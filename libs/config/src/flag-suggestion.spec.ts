import { closestFlagName } from './flag-suggestion';

const known = ['state_store_port', 'state_store_2_port', 'state_store_ha_port', 'statestore_heartbeat_frequency_ms'];

describe('closestFlagName', () => {
  it('maps dashes to underscores', () => {
    expect(closestFlagName('state-store-port', known)).toBe('state_store_port');
  });

  it('finds a small typo', () => {
    expect(closestFlagName('statestore_hearbeat_frequency_ms', known)).toBe('statestore_heartbeat_frequency_ms');
    expect(closestFlagName('state_store_ha_prt', known)).toBe('state_store_ha_port');
  });

  it('suggests nothing for an unrelated name', () => {
    expect(closestFlagName('log_dir', known)).toBeUndefined();
  });
});
