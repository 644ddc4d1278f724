import { promqlReferences } from './promql-references';

describe('promqlReferences', () => {
  it('tells metrics, labels and selectors apart', () => {
    const refs = promqlReferences(
      'histogram_quantile(0.99, sum by (instance, le) (rate(statestore_heartbeat_duration_seconds_bucket{daemon="statestored"}[1m]))) / on(instance) group_left max without (to) (statestore_role_changes_total)',
    );
    expect(refs).toEqual({
      metrics: ['statestore_heartbeat_duration_seconds_bucket', 'statestore_role_changes_total'],
      labels: ['daemon', 'instance', 'le', 'to'],
      selectors: ['statestore_heartbeat_duration_seconds_bucket{daemon="statestored"}', 'statestore_role_changes_total'],
      errors: [],
    });
  });

  it('reads through functions and set operators', () => {
    expect(promqlReferences('sum(statestore_is_active) == 0 or absent(statestore_is_active)').metrics).toEqual(['statestore_is_active']);
  });

  it('reports a syntax error', () => {
    expect(promqlReferences('sum(statestore_is_active').errors).toHaveLength(1);
  });
});
