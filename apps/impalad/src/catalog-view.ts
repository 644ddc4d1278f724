const decoder = new TextDecoder();

/** The coordinator's view of the catalog-update topic: tables and the catalog version. */
export class CatalogView {
  private tables = new Map<string, unknown>();
  private version = 0;
  private serviceId: string | undefined;

  update(entries: ReadonlyMap<string, Uint8Array>): void {
    const tables = new Map<string, { catalogServiceId?: unknown }>();
    for (const [key, value] of entries) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(decoder.decode(value));
      } catch {
        continue;
      }
      if (key === '1:CATALOG') {
        const h = parsed as { catalogVersion?: unknown; catalogServiceId?: unknown };
        if (typeof h.catalogVersion === 'number') this.version = h.catalogVersion;
        if (typeof h.catalogServiceId === 'string') this.serviceId = h.catalogServiceId;
      } else if (key.startsWith('1:TABLE:')) {
        tables.set(key.slice('1:TABLE:'.length), parsed as { catalogServiceId?: unknown });
      }
    }
    // After a catalogd failover the topic was cleared without tombstones, so the previous
    // service's tables linger in our view: keep only the current service's (Impala's coordinators
    // reset their catalog when the catalog service id changes).
    for (const [name, t] of tables) {
      if (typeof t?.catalogServiceId === 'string' && this.serviceId !== undefined && t.catalogServiceId !== this.serviceId) tables.delete(name);
    }
    this.tables = tables;
  }

  get catalogVersion(): number {
    return this.version;
  }

  snapshot(): { catalog_version: number; catalog_service_id: string | undefined; tables: string[] } {
    return { catalog_version: this.version, catalog_service_id: this.serviceId, tables: [...this.tables.keys()].sort() };
  }
}
