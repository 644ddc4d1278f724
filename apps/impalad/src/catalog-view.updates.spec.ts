import { CatalogView } from './catalog-view';

// Beside catalog-view.spec.ts (the service-id filter): how successive topic states move the view.

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
const header = (catalogVersion: number, catalogServiceId = 'svc'): [string, Uint8Array] => ['1:CATALOG', enc({ catalogVersion, catalogServiceId })];
const table = (name: string, catalogServiceId = 'svc'): [string, Uint8Array] => [`1:TABLE:${name}`, enc({ name, catalogServiceId })];

describe('CatalogView updates', () => {
  it('starts empty at version 0', () => {
    expect(new CatalogView().snapshot()).toEqual({ catalog_version: 0, catalog_service_id: undefined, tables: [] });
    expect(new CatalogView().catalogVersion).toBe(0);
  });

  it('shows the tables of the latest topic state, sorted, and the header version', () => {
    const v = new CatalogView();
    v.update(new Map([header(3), table('db.b'), table('db.a')]));
    expect(v.snapshot()).toEqual({ catalog_version: 3, catalog_service_id: 'svc', tables: ['db.a', 'db.b'] });
    // A dropped table is no longer in the topic's entries.
    v.update(new Map([header(4), table('db.b')]));
    expect(v.snapshot()).toEqual({ catalog_version: 4, catalog_service_id: 'svc', tables: ['db.b'] });
    expect(v.catalogVersion).toBe(4);
  });

  it('ignores keys outside the catalog prefix and values that are not JSON', () => {
    const v = new CatalogView();
    v.update(new Map([header(1), table('db.a'), ['2:TABLE:db.x', enc({ name: 'db.x' })], ['1:TABLE:db.bad', new TextEncoder().encode('{')]]));
    expect(v.snapshot().tables).toEqual(['db.a']);
  });

  it('keeps the last header it saw when an update has none', () => {
    const v = new CatalogView();
    v.update(new Map([header(9, 'svc-1'), table('db.a', 'svc-1')]));
    v.update(new Map([table('db.a', 'svc-1'), table('db.b', 'svc-1')]));
    expect(v.snapshot()).toEqual({ catalog_version: 9, catalog_service_id: 'svc-1', tables: ['db.a', 'db.b'] });
  });

  it('keeps the version when the header carries none', () => {
    const v = new CatalogView();
    v.update(new Map([header(5)]));
    v.update(new Map([['1:CATALOG', enc({ catalogServiceId: 'svc' })]]));
    expect(v.catalogVersion).toBe(5);
  });
});
