/**
 * "Converged", as the harness observes it through the daemons' pages: exactly one running
 * statestored is active, every other running one is standby, both see their peer when both run
 * (the pair re-formed, HA heartbeats flow), and every running subscriber follows the active.
 */
import { isStatestored, statestoreIndex } from '../cluster';
import type { StatestoredName } from '../cluster';
import type { ObserveEvent, RunEvent } from './run-events';

export type Settled = { readonly ok: true; readonly active: StatestoredName } | { readonly ok: false; readonly why: string };

export function settledState(latest: ReadonlyMap<string, ObserveEvent>, daemons: readonly string[]): Settled {
  const seen = daemons.map((d) => latest.get(d));
  if (seen.some((o) => o === undefined)) return { ok: false, why: 'not every daemon observed yet' };
  const running = (seen as ObserveEvent[]).filter((o) => o.running);
  const unreachable = running.filter((o) => !o.reachable);
  if (unreachable.length > 0) return { ok: false, why: `unreachable: ${unreachable.map((o) => o.daemon).join(', ')}` };
  const statestoreds = running.filter((o) => isStatestored(o.daemon));
  const actives = statestoreds.filter((o) => o.role === 'active');
  const active = actives[0];
  if (actives.length !== 1 || !active) return { ok: false, why: `${actives.length} active statestoreds` };
  const notStandby = statestoreds.filter((o) => o !== active && o.role !== 'standby');
  if (notStandby.length > 0) return { ok: false, why: `${notStandby.map((o) => `${o.daemon} is ${o.role}`).join(', ')}` };
  if (statestoreds.length === 2 && statestoreds.some((o) => !o.peerConnected)) return { ok: false, why: 'the pair has not re-formed' };
  const index = statestoreIndex(active.daemon as StatestoredName);
  const lagging = running.filter((o) => !isStatestored(o.daemon) && o.follows !== index);
  if (lagging.length > 0) return { ok: false, why: `not following ${active.daemon}: ${lagging.map((o) => o.daemon).join(', ')}` };
  return { ok: true, active: active.daemon as StatestoredName };
}

/**
 * The first time at or after `fromMs` from which the cluster stayed settled until the last
 * observation before `untilMs`, replaying the polls in time order; undefined when it never
 * settled for good.
 */
export function settledFrom(events: readonly RunEvent[], daemons: readonly string[], fromMs: number, untilMs = Infinity): { t: number; active: StatestoredName } | undefined {
  const polls = events.filter((e): e is ObserveEvent => e.kind === 'observe' && e.t < untilMs).sort((a, b) => a.t - b.t);
  const latest = new Map<string, ObserveEvent>();
  let since: { t: number; active: StatestoredName } | undefined;
  for (const poll of polls) {
    latest.set(poll.daemon, poll);
    if (poll.t < fromMs) continue;
    const s = settledState(latest, daemons);
    if (!s.ok) since = undefined;
    else if (!since || since.active !== s.active) since = { t: poll.t, active: s.active };
  }
  return since;
}
