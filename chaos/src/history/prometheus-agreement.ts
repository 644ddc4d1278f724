/**
 * Cross-checks what Prometheus scraped against the run's history: every change of
 * `statestore_is_active` a statestored logged, and every switch a subscriber logged
 * (`statestore_subscriber_is_active_statestore{statestore}` going to 1), must show up in the
 * raw scraped samples within one scrape interval of the logged time; the counters
 * (`statestore_role_changes_total`, `statestore_failover_duration_seconds_count`) must equal
 * the logged counts of the daemon's current process. Scraped gauges cannot time a failover
 * (anchors.md section 3): the timing comes from the history; this only proves the two agree.
 */
import type { PrometheusClient, Series } from '../prometheus';
import { statestoreIndex, STATESTORED_NAMES } from '../cluster';
import type { FaultEvent, FollowEvent, RoleChangeEvent, RunEvent } from './run-events';

export interface AgreementResult {
  readonly compared: number;
  /** Transitions too short-lived to be scraped, before the settle, after the last scrape, or around a kill/pause. */
  readonly skipped: number;
  /** Largest |first sample showing a change - logged time|. */
  readonly maxAbsDeltaMs: number;
  readonly disagreements: readonly string[];
  /** sum(statestore_is_active) at the end of the run. */
  readonly activeSumAtEnd: number | undefined;
}

interface Transition {
  readonly t: number;
  readonly value: number;
  /** How long the value held (until the next transition or the end). */
  readonly heldMs: number;
}

interface Point {
  readonly t: number;
  readonly value: number;
}

/** Raw samples of one series, times in ms. */
function pointsOf(series: Series | undefined): Point[] {
  return (series?.points ?? []).map((p) => ({ t: p.time * 1000, value: p.value }));
}

/**
 * A Prometheus sample is stamped with its scrape's start; the daemon answers a few ms later, so
 * a scrape that started just before a change may already show it.
 */
const SCRAPE_SKEW_MS = 50;

function withHold(ts: readonly { t: number; value: number }[], endMs: number): Transition[] {
  return ts.map((x, i) => ({ ...x, heldMs: (ts[i + 1]?.t ?? endMs) - x.t }));
}

/**
 * What a scraper can see of the logged transitions: a value held for less than two scrape
 * intervals is a blip it may miss, so it is dropped, and so is the transition back from it
 * (the scraped value never changed). Returns the visible transitions and how many were dropped.
 */
function visible(ts: readonly Transition[], scrapeIntervalMs: number): { kept: Transition[]; dropped: number } {
  const kept: Transition[] = [];
  let dropped = 0;
  let value: number | undefined;
  for (const x of ts) {
    if (x.heldMs < 2 * scrapeIntervalMs || x.value === value) {
      dropped++;
      continue;
    }
    kept.push(x);
    value = x.value;
  }
  return { kept, dropped };
}

export interface AgreementInput {
  readonly client: PrometheusClient;
  /** Label every target of this run carries: { run: id }. */
  readonly runLabel: string;
  readonly events: readonly RunEvent[];
  readonly subscribers: readonly string[];
  readonly scrapeIntervalMs: number;
  readonly startMs: number;
  /** Only changes logged from here on are compared (the cluster settled; startup is noise). */
  readonly fromMs: number;
  readonly endMs: number;
}

export async function checkPrometheusAgreement(input: AgreementInput): Promise<AgreementResult> {
  const { client, runLabel, events, scrapeIntervalMs, endMs } = input;
  const sel = `{run="${runLabel}"}`;
  const rangeS = Math.ceil((endMs - input.startMs) / 1000) + 10;
  const at = endMs / 1000;
  const matrix = async (metric: string): Promise<Series[]> => {
    const r = await client.query(`${metric}${sel}[${rangeS}s]`, at);
    return r.resultType === 'matrix' ? [...r.series] : [];
  };
  const faults = events.filter((e): e is FaultEvent => e.kind === 'fault' && ['kill', 'pause', 'restart', 'resume'].includes(e.action));
  // A logged change right before a kill or pause may never be scraped: not a disagreement.
  const nearProcessFault = (daemon: string, t: number): boolean => faults.some((f) => f.daemons.includes(daemon) && f.t >= t - 2 * scrapeIntervalMs && f.t <= t + 2 * scrapeIntervalMs);
  const out = { compared: 0, skipped: 0, maxAbsDeltaMs: 0, disagreements: [] as string[] };

  // Agreement: the first successful scrape after a logged change shows the new value, and the
  // last scrape more than one interval before it still showed the old one. The delay reported
  // is from the logged change to the first sample showing it; it exceeds one interval only
  // when scrapes failed in between (a busy daemon), which `maxAbsDeltaMs` then shows.
  const compare = (what: string, daemon: string, logged: Transition[], points: readonly Point[]): void => {
    const { kept, dropped } = visible(logged, scrapeIntervalMs);
    out.skipped += dropped;
    for (const l of kept) {
      const after = points.find((p) => p.t >= l.t + SCRAPE_SKEW_MS);
      const before = [...points].reverse().find((p) => p.t <= l.t - scrapeIntervalMs);
      if (l.t < input.fromMs || !after || nearProcessFault(daemon, l.t)) {
        out.skipped++;
        continue;
      }
      out.compared++;
      const shownAt = points.find((p) => p.t > l.t - scrapeIntervalMs && p.value === l.value);
      if (after.value !== l.value || (before !== undefined && before.value === l.value)) {
        out.disagreements.push(
          `${daemon} ${what}=${l.value} logged at ${new Date(l.t).toISOString()}: scraped ${before?.value ?? 'nothing'} at ${before ? `${before.t - l.t} ms` : '-'} and ${after.value} at +${after.t - l.t} ms`,
        );
        continue;
      }
      if (shownAt) out.maxAbsDeltaMs = Math.max(out.maxAbsDeltaMs, Math.abs(shownAt.t - l.t));
    }
    // The other way round: every change Prometheus saw between two consecutive scrapes (no gap
    // from a dead or restarted process) must have a logged change of the same value in the
    // interval before it, blips included.
    for (let i = 1; i < points.length; i++) {
      const [prev, cur] = [points[i - 1], points[i]];
      if (!prev || !cur || prev.value === cur.value || prev.t < input.fromMs) continue;
      if (cur.t - prev.t > 2 * scrapeIntervalMs || nearProcessFault(daemon, cur.t)) continue;
      const explained = logged.some((l) => l.value === cur.value && l.t <= cur.t + SCRAPE_SKEW_MS && l.t >= prev.t - SCRAPE_SKEW_MS);
      out.compared++;
      if (!explained) out.disagreements.push(`${daemon} ${what}: scraped ${prev.value} -> ${cur.value} at ${new Date(cur.t).toISOString()} with no logged change in the interval before`);
    }
  };

  const isActive = await matrix('statestore_is_active');
  for (const ss of STATESTORED_NAMES) {
    const changes = events
      .filter((e): e is RoleChangeEvent => e.kind === 'roleChange' && e.daemon === ss && (e.from === 'active') !== (e.to === 'active'))
      .sort((a, b) => a.t - b.t)
      .map((e) => ({ t: e.t, value: e.to === 'active' ? 1 : 0 }));
    compare('statestore_is_active', ss, withHold(changes, endMs), pointsOf(isActive.find((s) => s.metric['daemon'] === ss)));
  }
  const following = await matrix('statestore_subscriber_is_active_statestore');
  for (const sub of input.subscribers) {
    const follows = events.filter((e): e is FollowEvent => e.kind === 'follow' && e.daemon === sub).sort((a, b) => a.t - b.t);
    for (const ss of STATESTORED_NAMES) {
      const index = statestoreIndex(ss);
      const changes = follows.filter((f) => (f.to === index) !== (f.from === index)).map((f) => ({ t: f.t, value: f.to === index ? 1 : 0 }));
      const series = following.find((s) => s.metric['daemon'] === sub && s.metric['statestore'] === String(index));
      compare(`statestore_subscriber_is_active_statestore{statestore="${index}"}`, sub, withHold(changes, endMs), pointsOf(series));
    }
  }
  await checkCounters(input, sel, out.disagreements);
  const sum = await client.query(`sum(statestore_is_active${sel})`, at);
  const activeSumAtEnd = sum.resultType === 'vector' ? sum.samples[0]?.value : undefined;
  return { ...out, activeSumAtEnd };
}

/** Counters reset with the process: compare with the events logged by the last pid only. */
async function checkCounters(input: AgreementInput, sel: string, disagreements: string[]): Promise<void> {
  const promotions = await input.client.vectorByLabel(`statestore_role_changes_total${sel.replace('}', ',to="active"}')}`, 'daemon');
  const failovers = await input.client.vectorByLabel(`statestore_failover_duration_seconds_count${sel}`, 'daemon');
  for (const ss of STATESTORED_NAMES) {
    const mine = input.events.filter((e): e is RoleChangeEvent => e.kind === 'roleChange' && e.daemon === ss);
    const lastPid = mine[mine.length - 1]?.pid;
    if (lastPid === undefined || !promotions.has(ss)) continue;
    const current = mine.filter((e) => e.pid === lastPid);
    const loggedPromotions = current.filter((e) => e.to === 'active').length;
    const loggedTakeovers = current.filter((e) => e.to === 'active' && e.failoverMs !== null).length;
    if (promotions.get(ss) !== loggedPromotions) disagreements.push(`${ss}: statestore_role_changes_total{to="active"} scraped ${promotions.get(ss)}, logged ${loggedPromotions}`);
    if ((failovers.get(ss) ?? 0) !== loggedTakeovers) disagreements.push(`${ss}: statestore_failover_duration_seconds_count scraped ${failovers.get(ss) ?? 0}, logged ${loggedTakeovers}`);
  }
}
