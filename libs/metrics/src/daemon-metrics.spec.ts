import { Registry } from 'prom-client';
import { createCatalogdMetrics } from './catalogd-metrics';
import { createImpaladMetrics } from './impalad-metrics';

function typesIn(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

describe('createCatalogdMetrics', () => {
  it('registers exactly the catalogd metric names, with their types', async () => {
    const registry = new Registry();
    const metrics = createCatalogdMetrics(registry);
    metrics.catalogVersion.set(42);
    const text = await registry.metrics();
    expect(typesIn(text)).toEqual({ catalogd_is_active: 'gauge', catalogd_role_changes_total: 'counter', catalogd_catalog_version: 'gauge' });
    expect(text.split('\n')).toContain('catalogd_catalog_version 42');
  });
});

describe('createImpaladMetrics', () => {
  it('registers exactly the impalad metric names, with their types', async () => {
    const registry = new Registry();
    createImpaladMetrics(registry);
    expect(typesIn(await registry.metrics())).toEqual({
      impalad_membership_size: 'gauge',
      impalad_catalog_version: 'gauge',
      impalad_active_catalogd_version: 'gauge',
    });
  });
});
