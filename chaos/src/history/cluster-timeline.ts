/**
 * The cluster's state as a function of time, rebuilt from a run's events: each statestored's
 * role (from its log, 'down' while killed), which statestored each subscriber follows, and
 * which links the harness had broken. From that: availability (Jepsen's "unavailability
 * window"): at time t the cluster is available when some running, unpaused statestored is
 * active and more than half of all subscribers follow it over links that are not cut.
 */
import { statestoreIndex } from '../cluster';
import type { StatestoredName } from '../cluster';
import type { FaultEvent, RunEvent } from './run-events';

/** A value that changes at given times; before the first change it is `initial`. */
class StepSeries<T> {
  private readonly points: { t: number; value: T }[] = [];

  constructor(private readonly initial: T) {}

  set(t: number, value: T): void {
    this.points.push({ t, value });
  }

  at(t: number): T {
    let value = this.initial;
    for (const p of this.points) {
      if (p.t > t) break;
      value = p.value;
    }
    return value;
  }
}

interface FaultState {
  readonly broken: ReadonlySet<string>;
  /** Links with latency: not broken, but not healthy either. */
  readonly slow: ReadonlySet<string>;
  readonly down: ReadonlySet<string>;
  readonly paused: ReadonlySet<string>;
}

const NO_FAULT: FaultState = { broken: new Set(), slow: new Set(), down: new Set(), paused: new Set() };

function faultFree(s: FaultState): boolean {
  return s.broken.size === 0 && s.slow.size === 0 && s.down.size === 0 && s.paused.size === 0;
}

/**
 * The stretches of a run with no fault in force, each from the operation that healed the last
 * fault to the next fault (or `endMs`): where convergence is owed.
 */
export function faultFreeWindows(events: readonly RunEvent[], endMs: number): Window[] {
  const out: Window[] = [];
  let state = NO_FAULT;
  let start: number | undefined;
  for (const ev of [...events].sort((a, b) => a.t - b.t)) {
    if (ev.kind !== 'fault') continue;
    const next = nextFaultState(state, ev);
    if (!faultFree(state) && faultFree(next)) start = ev.t;
    if (faultFree(state) && !faultFree(next) && start !== undefined) {
      out.push({ startMs: start, endMs: ev.t });
      start = undefined;
    }
    state = next;
  }
  if (start !== undefined) out.push({ startMs: start, endMs });
  return out;
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

export interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

export class ClusterTimeline {
  private readonly roles = new Map<string, StepSeries<string>>();
  private readonly follows = new Map<string, StepSeries<number | null>>();
  private readonly faults = new StepSeries<FaultState>(NO_FAULT);

  constructor(
    events: readonly RunEvent[],
    private readonly statestoreds: readonly StatestoredName[],
    private readonly subscribers: readonly string[],
  ) {
    for (const s of statestoreds) this.roles.set(s, new StepSeries('starting'));
    for (const s of subscribers) this.follows.set(s, new StepSeries<number | null>(null));
    let state: FaultState = NO_FAULT;
    for (const ev of [...events].sort((a, b) => a.t - b.t)) {
      if (ev.kind === 'roleChange') this.roles.get(ev.daemon)?.set(ev.t, ev.to);
      if (ev.kind === 'follow') this.follows.get(ev.daemon)?.set(ev.t, ev.to);
      if (ev.kind === 'fault') {
        state = nextFaultState(state, ev);
        this.faults.set(ev.t, state);
        // A killed daemon's role and follow die with it; a restart starts from scratch.
        for (const d of ev.daemons) {
          if (ev.action === 'kill') {
            this.roles.get(d)?.set(ev.t, 'down');
            this.follows.get(d)?.set(ev.t, null);
          }
          if (ev.action === 'restart') this.roles.get(d)?.set(ev.t, 'starting');
        }
      }
    }
  }

  roleAt(statestored: string, t: number): string {
    return this.roles.get(statestored)?.at(t) ?? 'unknown';
  }

  followsAt(subscriber: string, t: number): number | null {
    return this.follows.get(subscriber)?.at(t) ?? null;
  }

  isPaused(daemon: string, t: number): boolean {
    return this.faults.at(t).paused.has(daemon);
  }

  linkBroken(a: string, b: string, t: number): boolean {
    return this.faults.at(t).broken.has(pairKey(a, b));
  }

  /** The statestored serving a majority at t, or undefined when the cluster is unavailable. */
  servingAt(t: number): StatestoredName | undefined {
    const f = this.faults.at(t);
    for (const s of this.statestoreds) {
      if (this.roleAt(s, t) !== 'active' || f.down.has(s) || f.paused.has(s)) continue;
      const served = this.subscribers.filter((sub) => !f.down.has(sub) && this.followsAt(sub, t) === statestoreIndex(s) && !f.broken.has(pairKey(sub, s))).length;
      if (served > this.subscribers.length / 2) return s;
    }
    return undefined;
  }

  /** Maximal windows of unavailability within [fromMs, toMs], sampled every `stepMs`. */
  unavailableWindows(fromMs: number, toMs: number, stepMs = 10): Window[] {
    const out: Window[] = [];
    let start: number | undefined;
    for (let t = fromMs; t <= toMs; t += stepMs) {
      const down = this.servingAt(t) === undefined;
      if (down && start === undefined) start = t;
      if (!down && start !== undefined) {
        out.push({ startMs: start, endMs: t });
        start = undefined;
      }
    }
    if (start !== undefined) out.push({ startMs: start, endMs: toMs });
    return out;
  }
}

function nextFaultState(s: FaultState, ev: FaultEvent): FaultState {
  const broken = new Set(s.broken);
  const slow = new Set(s.slow);
  const down = new Set(s.down);
  const paused = new Set(s.paused);
  const [a, b] = ev.daemons;
  switch (ev.action) {
    case 'cut':
    case 'cutOneWay':
    case 'resetPeer':
      // A one-way cut breaks the link too: requests or their answers are lost.
      if (a !== undefined && b !== undefined) broken.add(pairKey(a, b));
      break;
    case 'latency':
      if (a !== undefined && b !== undefined) slow.add(pairKey(a, b));
      break;
    case 'healAll':
      broken.clear();
      slow.clear();
      break;
    case 'kill':
      for (const d of ev.daemons) down.add(d);
      break;
    case 'restart':
      for (const d of ev.daemons) {
        down.delete(d);
        paused.delete(d);
      }
      break;
    case 'pause':
      for (const d of ev.daemons) paused.add(d);
      break;
    case 'resume':
      for (const d of ev.daemons) paused.delete(d);
      break;
  }
  return { broken, slow, down, paused };
}
