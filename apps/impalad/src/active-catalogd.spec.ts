import { ActiveCatalogd } from './active-catalogd';

describe('ActiveCatalogd', () => {
  it('follows the newest designation and ignores older or repeated ones', () => {
    const a = new ActiveCatalogd();
    expect(a.snapshot()).toEqual({ active_catalogd_address: null, active_catalogd_version: null });
    expect(a.version).toBe(0);
    expect(a.notified(100, 'h:26000')).toEqual({ kind: 'applied', address: 'h:26000', changed: true });
    expect(a.notified(100, 'h:26001')).toEqual({ kind: 'ignored', lastVersion: 100 });
    expect(a.notified(99, 'h:26001')).toEqual({ kind: 'ignored', lastVersion: 100 });
    expect(a.address).toBe('h:26000');
    expect(a.notified(101, 'h:26000')).toEqual({ kind: 'applied', address: 'h:26000', changed: false });
    expect(a.notified(150, 'h:26001')).toEqual({ kind: 'applied', address: 'h:26001', changed: true });
    expect(a.snapshot()).toEqual({ active_catalogd_address: 'h:26001', active_catalogd_version: 150 });
  });
});
