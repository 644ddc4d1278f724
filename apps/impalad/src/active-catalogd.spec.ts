import { ActiveCatalogd } from './active-catalogd';

describe('ActiveCatalogd', () => {
  it('follows the newest designation and ignores older or repeated ones', () => {
    const a = new ActiveCatalogd();
    expect(a.snapshot()).toEqual({ active_catalogd_address: null, active_catalogd_version: null, active_catalogd_source: null });
    expect(a.version).toBe(0);
    expect(a.notified(100, 'h:26000')).toEqual({ kind: 'applied', address: 'h:26000', changed: true });
    expect(a.notified(100, 'h:26001')).toEqual({ kind: 'ignored', lastVersion: 100 });
    expect(a.notified(99, 'h:26001')).toEqual({ kind: 'ignored', lastVersion: 100 });
    expect(a.address).toBe('h:26000');
    expect(a.notified(101, 'h:26000')).toEqual({ kind: 'applied', address: 'h:26000', changed: false });
    expect(a.notified(150, 'h:26001')).toEqual({ kind: 'applied', address: 'h:26001', changed: true });
    expect(a.snapshot()).toEqual({ active_catalogd_address: 'h:26001', active_catalogd_version: 150, active_catalogd_source: 'notification' });
  });

  it('takes the registration reply of the active statestored under the same check, and says where the designation came from', () => {
    const a = new ActiveCatalogd();
    // A (re)started coordinator: the reply is the first designation it hears of.
    expect(a.notified(200, 'h:26000', 'registration')).toEqual({ kind: 'applied', address: 'h:26000', changed: true });
    expect(a.snapshot()).toEqual({ active_catalogd_address: 'h:26000', active_catalogd_version: 200, active_catalogd_source: 'registration' });
    // The notification of the same designation that may follow it is a duplicate.
    expect(a.notified(200, 'h:26000')).toEqual({ kind: 'ignored', lastVersion: 200 });
    // A re-registration reply older than what was applied is ignored, a newer one taken.
    expect(a.notified(210, 'h:26001')).toEqual({ kind: 'applied', address: 'h:26001', changed: true });
    expect(a.notified(205, 'h:26000', 'registration')).toEqual({ kind: 'ignored', lastVersion: 210 });
    expect(a.notified(220, 'h:26000', 'registration')).toEqual({ kind: 'applied', address: 'h:26000', changed: true });
    expect(a.snapshot().active_catalogd_source).toBe('registration');
  });
});
