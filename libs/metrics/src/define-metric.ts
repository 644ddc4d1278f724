import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { MetricDefinition } from './metric-table';

// Builders from a row of the metric table onto one registry. Registering on the given registry
// only (registers: [registry]) is what keeps two daemons in one process apart.

type LabelsOf<D extends MetricDefinition> = D['labelNames'] extends readonly (infer L extends string)[] ? L : never;

export function defineGauge<D extends MetricDefinition>(
  registry: Registry,
  def: D,
  collect?: (this: Gauge<LabelsOf<D>>) => void,
): Gauge<LabelsOf<D>> {
  return new Gauge<LabelsOf<D>>({
    name: def.name,
    help: def.help,
    labelNames: (def.labelNames ?? []) as readonly LabelsOf<D>[],
    registers: [registry],
    ...(collect ? { collect } : {}),
  });
}

export function defineCounter<D extends MetricDefinition>(registry: Registry, def: D): Counter<LabelsOf<D>> {
  return new Counter<LabelsOf<D>>({
    name: def.name,
    help: def.help,
    labelNames: (def.labelNames ?? []) as readonly LabelsOf<D>[],
    registers: [registry],
  });
}

export function defineHistogram<D extends MetricDefinition>(registry: Registry, def: D): Histogram<LabelsOf<D>> {
  // A histogram row without buckets is a table bug; prom-client would silently use its HTTP
  // latency defaults, which fit none of our durations.
  if (def.buckets === undefined) throw new Error(`histogram ${def.name} has no buckets in the metric table`);
  return new Histogram<LabelsOf<D>>({
    name: def.name,
    help: def.help,
    labelNames: (def.labelNames ?? []) as readonly LabelsOf<D>[],
    buckets: [...def.buckets],
    registers: [registry],
  });
}
