import { Catalog } from './catalog';

const decode = (v: Uint8Array | undefined): unknown => JSON.parse(new TextDecoder().decode(v));

describe('Catalog', () => {
  it('a new active continues above the version it is given, never below its own', () => {
    const c = new Catalog('svc');
    c.create('db.a', []);
    c.advanceVersionTo(1000);
    expect(c.create('db.b', []).catalogVersion).toBe(1001);
    c.advanceVersionTo(10);
    expect(c.catalogVersion).toBe(1001);
  });

  it('every table entry names the catalog service that published it', () => {
    const c = new Catalog('svc-7');
    const change = c.create('db.a', [{ name: 'id', type: 'BIGINT' }]);
    const table = change.puts.find((p) => p.key === '1:TABLE:db.a');
    expect(decode(table?.value)).toMatchObject({ name: 'db.a', catalogServiceId: 'svc-7' });
    expect(c.entries().map((e) => decode(e.value))).toEqual([
      { catalogVersion: 1, catalogServiceId: 'svc-7' },
      { name: 'db.a', columns: [{ name: 'id', type: 'BIGINT' }], catalogVersion: 1, catalogServiceId: 'svc-7' },
    ]);
  });
});
