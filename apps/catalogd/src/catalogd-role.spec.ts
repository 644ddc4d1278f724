import { CatalogdRole } from './catalogd-role';

describe('CatalogdRole', () => {
  const self = 'h:26000';

  it('with HA it is standby until a notification names its own address, and standby again when one names another', () => {
    const r = new CatalogdRole({ haEnabled: true, selfAddress: self });
    expect(r.role).toBe('standby');
    expect(r.notified(10, 'h:26001')).toEqual({ kind: 'applied', role: 'standby', changed: false, activeAddress: 'h:26001' });
    expect(r.notified(11, self)).toEqual({ kind: 'applied', role: 'active', changed: true, activeAddress: self });
    expect(r.isActive).toBe(true);
    expect(r.notified(12, 'h:26001')).toMatchObject({ role: 'standby', changed: true });
    expect(r.status()).toEqual({ role: 'standby', ha_enabled: true, active_catalogd_address: 'h:26001', catalogd_version: 12, role_changes: 2 });
  });

  it('ignores a notification not newer than the last applied one', () => {
    const r = new CatalogdRole({ haEnabled: true, selfAddress: self });
    r.notified(20, self);
    expect(r.notified(20, 'h:26001')).toEqual({ kind: 'ignored', lastVersion: 20 });
    expect(r.notified(19, 'h:26001')).toEqual({ kind: 'ignored', lastVersion: 20 });
    expect(r.role).toBe('active');
  });

  it('without HA it is active from the start and no notification makes it standby', () => {
    const r = new CatalogdRole({ haEnabled: false, selfAddress: self });
    expect(r.role).toBe('active');
    expect(r.notified(5, 'h:26001')).toEqual({ kind: 'applied', role: 'active', changed: false, activeAddress: self });
    expect(r.status()).toMatchObject({ role: 'active', active_catalogd_address: self, role_changes: 0 });
  });
});
