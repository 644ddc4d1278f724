import { Catalog, CatalogError, CATALOG_VERSION_KEY, parseColumns, tableKey } from './catalog';

// Beside catalog.spec.ts (version continuation, service stamps): the DDL itself.

const decode = (v: Uint8Array | undefined): unknown => JSON.parse(new TextDecoder().decode(v));
const COLS = [{ name: 'id', type: 'BIGINT' }];

function catalogError(fn: () => unknown): CatalogError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CatalogError) return err;
    throw err;
  }
  throw new Error('expected a CatalogError');
}

describe('Catalog DDL', () => {
  it('create, alter and drop each take the next catalog version', () => {
    const c = new Catalog('svc', 100);
    expect(c.catalogVersion).toBe(100);
    expect(c.create('db.a', COLS).catalogVersion).toBe(101);
    expect(c.create('db.b', []).catalogVersion).toBe(102);
    expect(c.alter('db.a', [...COLS, { name: 'v', type: 'STRING' }]).catalogVersion).toBe(103);
    expect(c.drop('db.b').catalogVersion).toBe(104);
    expect(c.catalogVersion).toBe(104);
  });

  it('create puts the catalog header and the table, at the new version', () => {
    const c = new Catalog('svc');
    const change = c.create('db.a', COLS);
    expect(change.deletes).toEqual([]);
    expect(change.puts.map((p) => p.key)).toEqual([CATALOG_VERSION_KEY, tableKey('db.a')]);
    expect(decode(change.puts[0]?.value)).toEqual({ catalogVersion: 1, catalogServiceId: 'svc' });
    expect(decode(change.puts[1]?.value)).toEqual({ name: 'db.a', columns: COLS, catalogVersion: 1, catalogServiceId: 'svc' });
    expect(c.list()).toEqual([{ name: 'db.a', columns: COLS, catalogVersion: 1 }]);
  });

  it('alter replaces the columns and stamps the table with the new version', () => {
    const c = new Catalog('svc');
    c.create('db.a', COLS);
    const change = c.alter('db.a', [{ name: 'x', type: 'INT' }]);
    expect(decode(change.puts.find((p) => p.key === tableKey('db.a'))?.value)).toMatchObject({ columns: [{ name: 'x', type: 'INT' }], catalogVersion: 2 });
    expect(c.list()[0]).toEqual({ name: 'db.a', columns: [{ name: 'x', type: 'INT' }], catalogVersion: 2 });
  });

  it('drop deletes the table key and puts the new header', () => {
    const c = new Catalog('svc');
    c.create('db.a', COLS);
    const change = c.drop('db.a');
    expect(change).toEqual({ catalogVersion: 2, puts: [{ key: CATALOG_VERSION_KEY, value: expect.any(Uint8Array) }], deletes: [tableKey('db.a')] });
    expect(decode(change.puts[0]?.value)).toEqual({ catalogVersion: 2, catalogServiceId: 'svc' });
    expect(c.list()).toEqual([]);
  });

  it('refuses to create an existing table (409) or alter/drop a missing one (404), without taking a version', () => {
    const c = new Catalog('svc');
    c.create('db.a', COLS);
    expect(catalogError(() => c.create('db.a', []))).toMatchObject({ status: 409, message: 'table db.a already exists' });
    expect(catalogError(() => c.alter('db.zz', []))).toMatchObject({ status: 404, message: 'table db.zz does not exist' });
    expect(catalogError(() => c.drop('db.zz'))).toMatchObject({ status: 404, message: 'table db.zz does not exist' });
    expect(c.catalogVersion).toBe(1);
  });

  it.each(['a', 'db.', '.t', 'db.t.x', '1db.t', 'db.t-1', 'db t', ''])('refuses the table name %j with 400', (name) => {
    const c = new Catalog('svc');
    const err = catalogError(() => c.create(name, []));
    expect(err.status).toBe(400);
    expect(err.message).toBe(`table name must look like db.table (letters, digits, _), got ${JSON.stringify(name)}`);
    expect(c.catalogVersion).toBe(0);
  });

  it('refuses a name that is not a string (a JSON body with a number or none)', () => {
    const c = new Catalog('svc');
    expect(catalogError(() => c.create(7 as unknown as string, [])).status).toBe(400);
    expect(catalogError(() => c.drop(null as unknown as string)).message).toContain('got null');
  });

  it.each(['db.t', '_d.T_1', 'DB2.tab_9'])('takes the table name %j', (name) => {
    expect(() => new Catalog('svc').create(name, [])).not.toThrow();
  });

  it('entries() is the header and every table, sorted by name, for a full republish', () => {
    const c = new Catalog('svc');
    c.create('db.b', []);
    c.create('db.a', COLS);
    c.drop('db.b');
    c.create('db.c', []);
    expect(c.entries().map((e) => e.key)).toEqual([CATALOG_VERSION_KEY, tableKey('db.a'), tableKey('db.c')]);
    expect(decode(c.entries()[0]?.value)).toEqual({ catalogVersion: 4, catalogServiceId: 'svc' });
  });

  it('entries() of an empty catalog is the header alone', () => {
    expect(new Catalog('svc').entries().map((e) => e.key)).toEqual([CATALOG_VERSION_KEY]);
  });
});

describe('parseColumns', () => {
  it('reads {name, type} objects and drops any other field', () => {
    expect(parseColumns([{ name: 'id', type: 'BIGINT', comment: 'x' }])).toEqual([{ name: 'id', type: 'BIGINT' }]);
  });

  it('takes no columns as none', () => {
    expect(parseColumns(undefined)).toEqual([]);
    expect(parseColumns([])).toEqual([]);
  });

  it('refuses anything but an array with 400', () => {
    expect(catalogError(() => parseColumns({ name: 'id' }))).toMatchObject({ status: 400, message: 'columns must be an array of {name, type}' });
  });

  it('names the first bad column', () => {
    expect(catalogError(() => parseColumns([{ name: 'a', type: 'INT' }, { name: '', type: 'INT' }]))).toMatchObject({ status: 400, message: 'columns[1] must be {name: string, type: string}' });
    expect(catalogError(() => parseColumns([{ name: 'a' }])).message).toBe('columns[0] must be {name: string, type: string}');
    expect(catalogError(() => parseColumns([null])).message).toBe('columns[0] must be {name: string, type: string}');
  });
});
