/** A table of the stub catalog. Real Impala catalog objects are Thrift; JSON is enough here. */
export interface CatalogTable {
  name: string;
  columns: Array<{ name: string; type: string }>;
  catalogVersion: number;
}

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The topic key prefix coordinators filter on (Impala's "1:" for full catalog objects). */
export const CATALOG_KEY_PREFIX = '1:';
export const CATALOG_VERSION_KEY = `${CATALOG_KEY_PREFIX}CATALOG`;
export const tableKey = (name: string): string => `${CATALOG_KEY_PREFIX}TABLE:${name}`;

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;

export interface CatalogChange {
  catalogVersion: number;
  puts: Array<{ key: string; value: Uint8Array }>;
  deletes: string[];
}

const encode = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

/**
 * The catalogd stub's catalog: tables and a catalog version that grows with every change, as
 * Impala's catalog version does. Each change returns the topic entries it touches (the table and
 * the catalog header) so the caller publishes them as one delta.
 */
export class Catalog {
  private readonly tables = new Map<string, CatalogTable>();
  private version: number;

  constructor(private readonly serviceId: string, initialVersion = 0) {
    this.version = initialVersion;
  }

  get catalogVersion(): number {
    return this.version;
  }

  get catalogServiceId(): string {
    return this.serviceId;
  }

  /**
   * A catalogd that becomes active continues above every version coordinators may have applied
   * from the previous active (Impala's coordinators ignore objects not newer than what they hold).
   * The caller passes the current time in ms: the other catalogd counted up from its own start.
   */
  advanceVersionTo(minVersion: number): void {
    if (minVersion > this.version) this.version = minVersion;
  }

  list(): CatalogTable[] {
    return [...this.tables.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  create(name: string, columns: CatalogTable['columns']): CatalogChange {
    checkName(name);
    if (this.tables.has(name)) throw new CatalogError(409, `table ${name} already exists`);
    return this.put({ name, columns, catalogVersion: ++this.version });
  }

  alter(name: string, columns: CatalogTable['columns']): CatalogChange {
    checkName(name);
    if (!this.tables.has(name)) throw new CatalogError(404, `table ${name} does not exist`);
    return this.put({ name, columns, catalogVersion: ++this.version });
  }

  drop(name: string): CatalogChange {
    checkName(name);
    if (!this.tables.delete(name)) throw new CatalogError(404, `table ${name} does not exist`);
    ++this.version;
    return { catalogVersion: this.version, puts: [this.header()], deletes: [tableKey(name)] };
  }

  /** Every entry of the catalog, for a full republish. */
  entries(): Array<{ key: string; value: Uint8Array }> {
    return [this.header(), ...this.list().map((t) => this.tableEntry(t))];
  }

  private put(t: CatalogTable): CatalogChange {
    this.tables.set(t.name, t);
    return { catalogVersion: t.catalogVersion, puts: [this.header(), this.tableEntry(t)], deletes: [] };
  }

  /**
   * Each table names the catalog service that published it: after a catalogd failover the old
   * active's tables stay in coordinators' topic views (clear_topic_entries sends no tombstones),
   * and coordinators show only the current service's tables, as Impala's reset their catalog
   * when the catalog service id changes.
   */
  private tableEntry(t: CatalogTable): { key: string; value: Uint8Array } {
    return { key: tableKey(t.name), value: encode({ ...t, catalogServiceId: this.serviceId }) };
  }

  private header(): { key: string; value: Uint8Array } {
    return { key: CATALOG_VERSION_KEY, value: encode({ catalogVersion: this.version, catalogServiceId: this.serviceId }) };
  }
}

function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !TABLE_NAME.test(name)) {
    throw new CatalogError(400, `table name must look like db.table (letters, digits, _), got ${JSON.stringify(name)}`);
  }
}

export function parseColumns(v: unknown): CatalogTable['columns'] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new CatalogError(400, 'columns must be an array of {name, type}');
  return v.map((c: unknown, i) => {
    const col = c as { name?: unknown; type?: unknown };
    if (typeof col?.name !== 'string' || typeof col.type !== 'string' || col.name === '') {
      throw new CatalogError(400, `columns[${i}] must be {name: string, type: string}`);
    }
    return { name: col.name, type: col.type };
  });
}
