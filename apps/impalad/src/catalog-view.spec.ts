import { CatalogView } from './catalog-view';

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

describe('CatalogView', () => {
  it('shows only the tables of the catalog service named by the header (the old active lingers after a clear)', () => {
    const v = new CatalogView();
    v.update(
      new Map([
        ['1:CATALOG', enc({ catalogVersion: 2000, catalogServiceId: 'new' })],
        ['1:TABLE:db.old', enc({ name: 'db.old', catalogServiceId: 'old' })],
        ['1:TABLE:db.new', enc({ name: 'db.new', catalogServiceId: 'new' })],
        ['1:TABLE:db.unstamped', enc({ name: 'db.unstamped' })],
      ]),
    );
    expect(v.snapshot()).toEqual({ catalog_version: 2000, catalog_service_id: 'new', tables: ['db.new', 'db.unstamped'] });
  });
});
