import { json, type WebResponse, type WebRoute, type WebRoutes } from '@statestore-ha/daemon';
import { Catalog, CatalogError, parseColumns, type CatalogChange } from './catalog';

export interface CatalogApiDeps {
  catalog: Catalog;
  isActive(): boolean;
  /** Publishes a change to the statestore; resolves with whether the statestore took it. */
  publish(change: CatalogChange): Promise<{ accepted: boolean; message?: string }>;
}

/**
 * The stub's DDL over HTTP, so tests make real catalog changes:
 *   POST /api/tables {name, columns}      create
 *   PUT /api/tables?name=db.t {columns}   alter
 *   DELETE /api/tables?name=db.t          drop
 * A standby catalogd refuses DDL, as Impala's coordinators get "Request for Catalog service is rejected".
 */
export function catalogApiRoutes(deps: CatalogApiDeps): WebRoutes {
  const ddl =
    (apply: (body: Record<string, unknown>, url: URL) => CatalogChange) =>
    async (_req: unknown, raw: string, url: URL): Promise<WebResponse> => {
      if (!deps.isActive()) return json(503, { error: 'this catalogd is not the active one: request for catalog service is rejected' });
      let parsed: unknown = {};
      try {
        if (raw.trim() !== '') parsed = JSON.parse(raw);
      } catch {
        return json(400, { error: 'body must be JSON' });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return json(400, { error: 'body must be a JSON object, e.g. {"name": "db.table", "columns": [...]}' });
      }
      const body = parsed as Record<string, unknown>;
      try {
        const change = apply(body, url);
        const published = await deps.publish(change);
        return json(200, { catalog_version: change.catalogVersion, published_to_statestore: published.accepted, detail: published.message });
      } catch (err) {
        if (err instanceof CatalogError) return json(err.status, { error: err.message });
        throw err;
      }
    };
  return new Map<string, WebRoute>([
    ['GET /api/tables', () => json(200, { catalog_version: deps.catalog.catalogVersion, tables: deps.catalog.list() })],
    ['POST /api/tables', ddl((b) => deps.catalog.create(b['name'] as string, parseColumns(b['columns'])))],
    ['PUT /api/tables', ddl((b, url) => deps.catalog.alter(url.searchParams.get('name') as string, parseColumns(b['columns'])))],
    ['DELETE /api/tables', ddl((_b, url) => deps.catalog.drop(url.searchParams.get('name') as string))],
  ]);
}
