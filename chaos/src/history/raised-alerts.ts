/**
 * The alerts of docker/statestore-alerts.yml that a scenario raised, read back from the run's
 * Prometheus (its ALERTS series carry the run label like every scraped series; rules that
 * aggregate over daemons drop it and are not attributed to a run), and whether the takeover
 * alert agrees with the history: StatestoreTakeover fires for each standby that logged a
 * takeover with a measured failover duration, and for nothing else. So the rule an operator
 * pages on is checked against real faults, not only against promtool's synthetic series.
 */
import type { PrometheusClient } from '../prometheus';
import type { RoleChangeEvent, RunEvent } from './run-events';

export interface RaisedAlert {
  readonly name: string;
  readonly state: 'pending' | 'firing';
  /** The daemon the alert is about (the scrape target's label), when it is about one. */
  readonly daemon: string | undefined;
  /** First evaluation that showed it in this state. */
  readonly firstAtMs: number;
}

export const TAKEOVER_ALERT = 'StatestoreTakeover';

export async function readRaisedAlerts(client: PrometheusClient, runLabel: string, fromMs: number, toMs: number, stepMs: number): Promise<RaisedAlert[]> {
  const series = await client.queryRange(`ALERTS{run="${runLabel}"}`, fromMs / 1000, toMs / 1000, stepMs / 1000);
  return series
    .filter((s) => s.points.some((p) => p.value === 1))
    .map((s) => ({
      name: s.metric['alertname'] ?? '?',
      state: s.metric['alertstate'] === 'firing' ? ('firing' as const) : ('pending' as const),
      daemon: s.metric['daemon'],
      firstAtMs: Math.min(...s.points.filter((p) => p.value === 1).map((p) => p.time * 1000)),
    }))
    .sort((a, b) => a.firstAtMs - b.firstAtMs);
}

/**
 * The takeover alert fired for every daemon whose history shows a measured takeover and for no
 * other. A takeover the scraper could not see (its daemon killed or paused within a few scrape
 * intervals, as a nemesis may do) is not owed an alert, but still excuses one.
 */
export function checkTakeoverAlert(alerts: readonly RaisedAlert[], events: readonly RunEvent[], scrapeIntervalMs: number): { ok: boolean; detail: string } {
  const takeovers = events.filter((e): e is RoleChangeEvent => e.kind === 'roleChange' && e.to === 'active' && e.reason === 'takeover' && e.failoverMs !== null);
  const silenced = (t: RoleChangeEvent): boolean =>
    events.some((e) => e.kind === 'fault' && (e.action === 'kill' || e.action === 'pause') && e.daemons.includes(t.daemon) && e.t >= t.t && e.t - t.t < 4 * scrapeIntervalMs);
  const all = new Set(takeovers.map((t) => t.daemon));
  const owed = new Set(takeovers.filter((t) => !silenced(t)).map((t) => t.daemon));
  const fired = new Set(alerts.filter((a) => a.name === TAKEOVER_ALERT && a.state === 'firing').flatMap((a) => (a.daemon ? [a.daemon] : [])));
  const list = (s: Set<string>): string => (s.size === 0 ? 'none' : [...s].sort().join(', '));
  const ok = [...owed].every((d) => fired.has(d)) && [...fired].every((d) => all.has(d));
  return { ok, detail: `takeovers in the history: ${list(all)}; ${TAKEOVER_ALERT} fired for: ${list(fired)}` };
}
