/**
 * The numbers of one run, all from its history, all in ms from the first fault except detection
 * and failover, which count from the start of the fault episode the first takeover happened in
 * (the first fault after the last heal before it: the first fault of a one-fault scenario; in a
 * nemesis run, the fault that caused it, not one healed a minute earlier):
 *  - detection: until the standby promoted itself ("role changed" to active, reason takeover);
 *  - failover: until more than half of the subscribers followed the new active;
 *  - full convergence: until the cluster was settled for good (settled-state.ts), also given
 *    from the heal, which is what the convergence bound is about;
 *  - unavailability: windows with no active followed by a majority (cluster-timeline.ts);
 *  - convergence after each earlier heal: in every fault-free stretch before the last heal, when
 *    the cluster settled for the rest of that stretch (a nemesis run heals many times).
 */
import { STATESTORED_NAMES, statestoreIndex } from '../cluster';
import type { StatestoredName } from '../cluster';
import { ClusterTimeline, faultFreeWindows } from './cluster-timeline';
import type { Window } from './cluster-timeline';
import type { FaultEvent, RoleChangeEvent, RunEvent } from './run-events';
import { settledFrom } from './settled-state';

export interface Promotion {
  readonly t: number;
  readonly daemon: string;
  readonly from: string;
  readonly epoch: bigint;
  readonly reason: string;
}

export interface HealConvergence {
  /** The operation that left no fault in force. */
  readonly healAtMs: number;
  /** How long the stretch lasted before the next fault. */
  readonly quietMs: number;
  /** From the heal until settled for the rest of the stretch; undefined when it never was. */
  readonly convergedAfterMs: number | undefined;
}

export interface Measurements {
  readonly faultAtMs: number;
  /** Start of the fault episode of the first takeover (faultAtMs when there is none). */
  readonly takeoverEpisodeAtMs: number;
  /** The last heal (healAll, resume or restart). */
  readonly healAtMs: number;
  readonly endAtMs: number;
  /** Promotions to active after the first fault (handshakes of restarted daemons included). */
  readonly promotions: readonly Promotion[];
  readonly detectionMs: number | undefined;
  readonly failoverMs: number | undefined;
  readonly fullConvergenceMs: number | undefined;
  readonly convergenceAfterHealMs: number | undefined;
  readonly settledActive: StatestoredName | undefined;
  readonly unavailable: readonly Window[];
  readonly unavailableTotalMs: number;
  /** Every fault-free stretch before the last heal (the last one is convergenceAfterHealMs). */
  readonly earlierHeals: readonly HealConvergence[];
}

const HEALS = new Set(['healAll', 'resume', 'restart']);

export function measure(events: readonly RunEvent[], subscribers: readonly string[], startAtMs: number): Measurements {
  const faults = events.filter((e): e is FaultEvent => e.kind === 'fault');
  const firstFault = faults.find((f) => !HEALS.has(f.action));
  const faultAtMs = firstFault?.t ?? startAtMs;
  const healAtMs = Math.max(faultAtMs, ...faults.filter((f) => HEALS.has(f.action)).map((f) => f.t));
  const endAtMs = Math.max(...events.map((e) => e.t));
  const promotions = events
    .filter((e): e is RoleChangeEvent => e.kind === 'roleChange' && e.to === 'active' && e.t >= faultAtMs)
    .sort((a, b) => a.t - b.t)
    .map(({ t, daemon, from, epoch, reason }) => ({ t, daemon, from, epoch, reason }));
  const takeover = promotions.find((p) => p.reason === 'takeover');
  const episodeAtMs = takeover ? (episodeStart(faults, takeover.t) ?? faultAtMs) : faultAtMs;
  let failoverAt: number | undefined;
  if (takeover) {
    const index = statestoreIndex(takeover.daemon as StatestoredName);
    const followed = new Set<string>();
    for (const e of [...events].sort((a, b) => a.t - b.t)) {
      if (e.kind !== 'follow' || e.t < takeover.t || e.to !== index || e.epoch < takeover.epoch) continue;
      followed.add(e.daemon);
      if (followed.size > subscribers.length / 2) {
        failoverAt = e.t;
        break;
      }
    }
  }
  const daemons = [...STATESTORED_NAMES, ...subscribers];
  const settled = settledFrom(events, daemons, healAtMs);
  const timeline = new ClusterTimeline(events, STATESTORED_NAMES, subscribers);
  const unavailable = timeline.unavailableWindows(faultAtMs, endAtMs);
  const earlierHeals = faultFreeWindows(events, endAtMs)
    .filter((w) => w.startMs >= faultAtMs && w.startMs < healAtMs)
    .map((w) => {
      const s = settledFrom(events, daemons, w.startMs, w.endMs);
      return { healAtMs: w.startMs, quietMs: w.endMs - w.startMs, convergedAfterMs: s ? Math.max(0, s.t - w.startMs) : undefined };
    });
  return {
    faultAtMs,
    healAtMs,
    endAtMs,
    promotions,
    takeoverEpisodeAtMs: episodeAtMs,
    detectionMs: takeover ? takeover.t - episodeAtMs : undefined,
    failoverMs: failoverAt === undefined ? undefined : failoverAt - episodeAtMs,
    fullConvergenceMs: settled ? settled.t - faultAtMs : undefined,
    convergenceAfterHealMs: settled ? Math.max(0, settled.t - healAtMs) : undefined,
    settledActive: settled?.active,
    unavailable,
    unavailableTotalMs: unavailable.reduce((sum, w) => sum + (w.endMs - w.startMs), 0),
    earlierHeals,
  };
}

/** The first fault after the last heal at or before `t`; undefined when a heal came last. */
function episodeStart(faults: readonly FaultEvent[], t: number): number | undefined {
  let start: number | undefined;
  for (const f of [...faults].sort((a, b) => a.t - b.t)) {
    if (f.t > t) break;
    if (HEALS.has(f.action)) start = undefined;
    else start ??= f.t;
  }
  return start;
}
