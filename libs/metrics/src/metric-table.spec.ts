import { Registry } from 'prom-client';
import { createCatalogdMetrics } from './catalogd-metrics';
import { createImpaladMetrics } from './impalad-metrics';
import { METRIC_DEFINITIONS, METRIC_NAMES } from './metric-table';
import { createStatestoredMetrics } from './statestored-metrics';
import { createSubscriberMetrics } from './subscriber-metrics';

// A label whose values are per-subscriber or per-registration explodes cardinality and changes on
// every restart (issues #2 and #3); these names would be that.
const ID_LIKE = /(^|_)(id|ids|uuid)$|subscriber|registration|backend|host|address|instance|node/i;

async function everyFactoryOnOneRegistry() {
  const registry = new Registry();
  createStatestoredMetrics(registry);
  createSubscriberMetrics(registry).setHeartbeatAgeSource(() => 1);
  createCatalogdMetrics(registry);
  createImpaladMetrics(registry);
  return registry.getMetricsAsJSON();
}

describe('the metric table', () => {
  it('is what the factories register, no more and no less', async () => {
    const registered = (await everyFactoryOnOneRegistry()).map((m) => m.name).sort();
    expect(registered).toEqual(Object.values(METRIC_NAMES).sort());
  });

  it('names by Prometheus conventions: snake_case, counters end in _total, histograms in seconds', async () => {
    for (const metric of await everyFactoryOnOneRegistry()) {
      expect(metric.name).toMatch(/^(statestore|catalogd|impalad)_[a-z0-9_]+$/);
      const type = String(metric.type);
      if (type === 'counter') expect(metric.name).toMatch(/_total$/);
      else expect(metric.name).not.toMatch(/_total$/);
      if (type === 'histogram') expect(metric.name).toMatch(/_seconds$/);
    }
  });

  it('has no label named like an id, in the table or on any exported series', async () => {
    const offenders: string[] = [];
    for (const def of Object.values(METRIC_DEFINITIONS)) {
      for (const label of 'labelNames' in def ? def.labelNames : []) if (ID_LIKE.test(label)) offenders.push(`${def.name}{${label}}`);
    }
    for (const metric of await everyFactoryOnOneRegistry()) {
      for (const value of metric.values) {
        for (const label of Object.keys(value.labels)) if (ID_LIKE.test(label)) offenders.push(`${metric.name}{${label}}`);
      }
    }
    expect(offenders).toEqual([]);
    // The pattern itself catches what it is for.
    expect(['id', 'subscriber_id', 'registration', 'statestore_id'].filter((l) => !ID_LIKE.test(l))).toEqual([]);
  });

  it('says a unit or a count in every help string', () => {
    for (const def of Object.values(METRIC_DEFINITIONS)) {
      expect(def.help).toMatch(/seconds|bytes|count|1 |1 if|version|epoch|Unix time|Catalog version/);
    }
  });

  it('keeps the key and the name of each row in step', () => {
    for (const [key, def] of Object.entries(METRIC_DEFINITIONS)) {
      const camel = def.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
      expect(key).toBe(camel);
    }
  });
});
