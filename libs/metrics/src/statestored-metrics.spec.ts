import { Registry } from 'prom-client';
import { createStatestoredMetrics } from './statestored-metrics';

/** `name -> type` from the `# TYPE` lines of a scrape. */
function typesIn(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

/** The `le` values of one histogram's bucket lines; `labels` is what prom-client writes after le. */
function bucketsOf(text: string, name: string, labels = ''): string[] {
  const pattern = new RegExp(`^${name}_bucket\\{le="([^"]+)"${labels}\\}`, 'gm');
  return [...text.matchAll(pattern)].map((m) => m[1] ?? '');
}

describe('createStatestoredMetrics', () => {
  it('registers exactly the statestored metric names, with their types', async () => {
    const registry = new Registry();
    createStatestoredMetrics(registry);
    expect(typesIn(await registry.metrics())).toEqual({
      statestore_live_subscribers: 'gauge',
      statestore_heartbeat_duration_seconds: 'histogram',
      statestore_heartbeat_failures_total: 'counter',
      statestore_topic_update_duration_seconds: 'histogram',
      statestore_topic_entries: 'gauge',
      statestore_topic_size_bytes: 'gauge',
      statestore_subscribers_received_heartbeat: 'gauge',
      statestore_debug_action_enabled: 'gauge',
      statestore_clear_topic_entries_requests_total: 'counter',
      statestore_subscriber_registrations_rejected_total: 'counter',
      statestore_is_active: 'gauge',
      statestore_active_epoch: 'gauge',
      statestore_role_changes_total: 'counter',
      statestore_failover_duration_seconds: 'histogram',
      statestore_last_role_change_timestamp_seconds: 'gauge',
      statestore_ha_recovery_mode: 'gauge',
      statestore_peer_connected: 'gauge',
      statestore_role_notifications_total: 'counter',
      statestore_active_catalogd_version: 'gauge',
      statestore_catalogd_notifications_total: 'counter',
    });
  });

  it('gives the failover histogram the buckets of the design', async () => {
    const registry = new Registry();
    const metrics = createStatestoredMetrics(registry);
    metrics.failoverDuration.observe(2.5);
    const text = await registry.metrics();
    expect(bucketsOf(text, 'statestore_failover_duration_seconds')).toEqual(['0.1', '0.25', '0.5', '1', '2', '3', '5', '10', '20', '30', '60', '+Inf']);
    expect(text).toMatch(/^statestore_failover_duration_seconds_bucket\{le="2"\} 0$/m);
    expect(text).toMatch(/^statestore_failover_duration_seconds_bucket\{le="3"\} 1$/m);
  });

  it('spans heartbeat round trips up to past the 3 s heartbeat timeout, and topic updates up to 300 s', async () => {
    const registry = new Registry();
    const metrics = createStatestoredMetrics(registry);
    metrics.heartbeatDuration.observe(0.002);
    const text = await registry.metrics();
    const heartbeat = bucketsOf(text, 'statestore_heartbeat_duration_seconds').filter((le) => le !== '+Inf').map(Number);
    expect(Math.min(...heartbeat)).toBeLessThanOrEqual(0.001);
    expect(Math.max(...heartbeat)).toBeGreaterThan(3);
    const update = bucketsOf(text, 'statestore_topic_update_duration_seconds', ',priority="false"').filter((le) => le !== '+Inf').map(Number);
    expect(Math.max(...update)).toBe(300);
  });

  it('exports the closed label sets at 0 before the first event', async () => {
    const registry = new Registry();
    createStatestoredMetrics(registry);
    const text = await registry.metrics();
    for (const line of [
      'statestore_role_changes_total{to="active"} 0',
      'statestore_role_changes_total{to="standby"} 0',
      'statestore_role_notifications_total{result="ok"} 0',
      'statestore_role_notifications_total{result="failed"} 0',
      'statestore_role_notifications_total{result="skipped"} 0',
      'statestore_role_notifications_total{result="stale"} 0',
      'statestore_catalogd_notifications_total{result="failed"} 0',
      'statestore_topic_update_duration_seconds_count{priority="true"} 0',
      'statestore_topic_update_duration_seconds_count{priority="false"} 0',
      'statestore_is_active 0',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
  });

  it('records what the runner updates, as STYLE.md §9 does on a role change', async () => {
    const registry = new Registry();
    const metrics = createStatestoredMetrics(registry);
    metrics.isActive.set(1);
    metrics.roleChanges.inc({ to: 'active' });
    metrics.topicEntries.set({ topic: 'impala-membership' }, 3);
    const lines = (await registry.metrics()).split('\n');
    expect(lines).toContain('statestore_is_active 1');
    expect(lines).toContain('statestore_role_changes_total{to="active"} 1');
    expect(lines).toContain('statestore_topic_entries{topic="impala-membership"} 3');
  });
});
