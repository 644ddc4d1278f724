/**
 * Random fault schedules from a seed: what happens to which node and when, then one heal that
 * undoes everything at once (hashicorp/raft fuzzy/partition_test.go cuts, heals, then verifies).
 */
import type { SeededPrng } from '@statestore-ha/testing';

export type Fault =
  | { readonly kind: 'crash'; readonly node: string }
  | { readonly kind: 'restart'; readonly node: string }
  | { readonly kind: 'pause'; readonly node: string }
  | { readonly kind: 'resume'; readonly node: string }
  | { readonly kind: 'partition'; readonly a: string; readonly b: string }
  | { readonly kind: 'cutOneWay'; readonly from: string; readonly to: string }
  /** Cut every link of `node` (both directions). */
  | { readonly kind: 'isolate'; readonly node: string }
  /** Cut the active statestored from a random subset of subscribers (a minority or majority). */
  | { readonly kind: 'cutSubscribers'; readonly statestored: string; readonly subscribers: readonly string[] }
  | { readonly kind: 'heal'; readonly a: string; readonly b: string }
  | { readonly kind: 'slowLink'; readonly from: string; readonly to: string; readonly maxDelayMs: number; readonly dropRate: number }
  /**
   * Every message on one direction arrives `delayMs` late, in order, none lost: a stalled but
   * live TCP path (the chaos suite's delayed-peer-link). Unlike a cut, what was sent still
   * arrives, seconds after the timeouts gave up on it, and after the heal too.
   */
  | { readonly kind: 'holdLink'; readonly from: string; readonly to: string; readonly delayMs: number };

export interface TimedFault {
  readonly atMs: number;
  readonly fault: Fault;
}

export interface FaultSchedule {
  readonly faults: readonly TimedFault[];
  /** Everything is healed, resumed and restarted at this time... */
  readonly healAtMs: number;
  /** ...except these nodes, which, if down then, stay down (a process that never comes back). */
  readonly stayDown?: readonly string[];
}

export interface ScheduleShape {
  /** No fault before this (the pair and the subscribers settle). */
  readonly settleMs: number;
  /** Faults happen within [settleMs, settleMs + windowMs); the heal is at the end. */
  readonly windowMs: number;
  readonly maxFaults: number;
}

/** The longest hold a random schedule puts on a link: three default peer timeouts. */
export const MAX_HOLD_MS = 6000;

/** How long after the heal messages held before it may still arrive (the links stay FIFO). */
export function drainMs(schedule: FaultSchedule): number {
  return Math.max(0, ...schedule.faults.map(({ fault }) => (fault.kind === 'holdLink' ? fault.delayMs : 0)));
}

export function randomSchedule(prng: SeededPrng, statestoreds: readonly string[], subscribers: readonly string[], shape: ScheduleShape): FaultSchedule {
  const all = [...statestoreds, ...subscribers];
  const n = prng.int(1, shape.maxFaults);
  const faults: TimedFault[] = [];
  const stayDown = new Set<string>();
  const at = () => shape.settleMs + prng.int(0, shape.windowMs - 1);
  for (let i = 0; i < n; i++) {
    const t = at();
    const roll = prng.int(0, 10);
    const ss = prng.pick(statestoreds);
    const anyNode = prng.pick(all);
    switch (roll) {
      case 0: {
        // Mostly statestoreds; sometimes a subscriber (it comes back with no memory of epochs).
        const victim = prng.chance(0.75) ? ss : anyNode;
        faults.push({ atMs: t, fault: { kind: 'crash', node: victim } });
        const restarts = prng.chance(0.5);
        if (restarts) faults.push({ atMs: t + prng.int(1, shape.windowMs), fault: { kind: 'restart', node: victim } });
        // A subscriber that never comes back: the statestoreds must drop it and its transient
        // entries must leave every live view.
        else if (subscribers.includes(victim) && prng.chance(0.5)) stayDown.add(victim);
        break;
      }
      case 1: {
        faults.push({ atMs: t, fault: { kind: 'pause', node: anyNode } });
        if (prng.chance(0.7)) faults.push({ atMs: t + prng.int(1, shape.windowMs), fault: { kind: 'resume', node: anyNode } });
        break;
      }
      case 2:
        // Only the statestored<->statestored link: must never cause a takeover on its own.
        faults.push({ atMs: t, fault: { kind: 'partition', a: statestoreds[0] ?? 'ss1', b: statestoreds[1] ?? 'ss2' } });
        break;
      case 3:
        faults.push({ atMs: t, fault: { kind: 'isolate', node: anyNode } });
        break;
      case 4:
      case 5: {
        const k = prng.int(1, subscribers.length);
        const chosen = shuffled(prng, subscribers).slice(0, k);
        faults.push({ atMs: t, fault: { kind: 'cutSubscribers', statestored: ss, subscribers: chosen } });
        break;
      }
      case 6: {
        const a = prng.pick(all);
        const b = prng.pick(all.filter((x) => x !== a));
        faults.push({ atMs: t, fault: { kind: 'cutOneWay', from: a, to: b } });
        break;
      }
      case 7: {
        const a = prng.pick(all);
        const b = prng.pick(all.filter((x) => x !== a));
        faults.push({ atMs: t, fault: { kind: 'partition', a, b } });
        if (prng.chance(0.5)) faults.push({ atMs: t + prng.int(1, shape.windowMs), fault: { kind: 'heal', a, b } });
        break;
      }
      case 8: {
        // Mostly the peer link, where a late HA message once deposed a new active.
        const [a, b] = prng.chance(0.6) ? shuffled(prng, statestoreds) : shuffled(prng, all);
        if (a !== undefined && b !== undefined) faults.push({ atMs: t, fault: { kind: 'holdLink', from: a, to: b, delayMs: prng.int(500, MAX_HOLD_MS) } });
        break;
      }
      default: {
        const a = prng.pick(all);
        const b = prng.pick(all.filter((x) => x !== a));
        faults.push({ atMs: t, fault: { kind: 'slowLink', from: a, to: b, maxDelayMs: prng.int(5, 300), dropRate: prng.chance(0.5) ? prng.next() * 0.5 : 0 } });
        break;
      }
    }
  }
  const healAtMs = shape.settleMs + shape.windowMs;
  const kept = faults.filter((f) => f.atMs < healAtMs).sort((x, y) => x.atMs - y.atMs);
  const crashed = new Set(kept.filter((f) => f.fault.kind === 'crash').map((f) => (f.fault.kind === 'crash' ? f.fault.node : '')));
  return { faults: kept, healAtMs, stayDown: [...stayDown].filter((n) => crashed.has(n)) };
}

/** Fisher-Yates with the seeded PRNG (a random sort comparator is not a uniform shuffle). */
function shuffled<T>(prng: SeededPrng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    const x = a[i] as T;
    a[i] = a[j] as T;
    a[j] = x;
  }
  return a;
}

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'isolate':
      return `${f.kind} ${f.node}`;
    case 'partition':
    case 'heal':
      return `${f.kind} ${f.a}<->${f.b}`;
    case 'cutOneWay':
      return `cut ${f.from}->${f.to}`;
    case 'cutSubscribers':
      return `cut ${f.statestored}<->{${f.subscribers.join(',')}}`;
    case 'slowLink':
      return `slow ${f.from}->${f.to} max=${f.maxDelayMs}ms drop=${f.dropRate.toFixed(2)}`;
    case 'holdLink':
      return `hold ${f.from}->${f.to} ${f.delayMs}ms`;
  }
}
