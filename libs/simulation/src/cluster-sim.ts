/**
 * The deterministic simulator: two statestoreds and N subscribers (the first two are catalogds) on
 * the simulated network and fake clock of libs/testing, running the real libs/ha machines.
 * One run = one seed: a random fault schedule, a heal, then the convergence check; the
 * invariants of invariants.ts are checked after every delivered message and every timer.
 */
import { peerConnected } from '@statestore-ha/ha';
import { FakeClock, SeededPrng, SimNetwork } from '@statestore-ha/testing';
import { describeFault, drainMs, randomSchedule, type Fault, type FaultSchedule, type ScheduleShape } from './fault-schedule';
import { InvariantChecker, show } from './invariants';
import { CONVERGENCE_BOUND_FORMULA, convergenceBoundMs, defaultSimFlags, type SimFlags } from './sim-flags';
import type { SimMessage } from './sim-messages';
import { SimStatestored } from './sim-statestored';
import { STATESTOREDS, SimSubscriber } from './sim-subscriber';

export interface SimOptions {
  readonly seed: number;
  readonly flags?: Partial<SimFlags>;
  /** Subscribers (default: 1..5 from the seed). */
  readonly subscribers?: number;
  readonly shape?: ScheduleShape;
  /** A fixed schedule instead of a random one. */
  readonly schedule?: FaultSchedule;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  /** The first violation, with the schedule and the tail of the history. */
  readonly failure: string | null;
  /**
   * Time from the heal (or, after a holdLink, from when the held messages had all arrived) until
   * converged and stable; null if it never converged. What the bound is about.
   */
  readonly convergedAfterMs: number | null;
  readonly boundMs: number;
  readonly takeovers: number;
  readonly messages: number;
  readonly schedule: FaultSchedule;
  /** Role changes and catalogd designations, as `t=<ms> <node> <what>` lines. */
  readonly decisions: readonly string[];
}

export const defaultShape: ScheduleShape = { settleMs: 1000, windowMs: 3000, maxFaults: 4 };
/** Longer fault phases with more overlapping faults; one seed in five gets this shape. */
export const harshShape: ScheduleShape = { settleMs: 1000, windowMs: 8000, maxFaults: 10 };

/** The command that replays one seed (printed with every failure). */
export function replayCommand(seed: number, skipMajorityCheck = false): string {
  return `${skipMajorityCheck ? 'SIM_SKIP_MAJORITY=1 ' : ''}SIM_SEED=${seed} npx jest -c libs/simulation/jest.config.cjs -t replay`;
}

export function runSimulation(opts: SimOptions): SimResult {
  const flags: SimFlags = { ...defaultSimFlags, ...opts.flags };
  const prng = new SeededPrng(opts.seed);
  const clock = new FakeClock(0);
  const net = new SimNetwork<SimMessage>(clock, prng.fork(), { minDelayMs: 1, maxDelayMs: flags.healedMaxDelayMs, dropRate: 0 });
  const checker = new InvariantChecker();
  const nSubs = opts.subscribers ?? prng.int(1, 5);
  const subNames = Array.from({ length: nSubs }, (_, i) => (i < 2 ? `catalogd${i + 1}` : `impalad${i - 1}`));
  const ssNames = [STATESTOREDS[1], STATESTOREDS[2]];
  const ss = [
    new SimStatestored(ssNames[0] ?? 'ss1', ssNames[1] ?? 'ss2', flags, clock, net, checker, subNames),
    new SimStatestored(ssNames[1] ?? 'ss2', ssNames[0] ?? 'ss1', flags, clock, net, checker, subNames),
  ];
  const subs = subNames.map((n) => new SimSubscriber(n, flags, clock, net, checker));
  const procs = new Map<string, SimStatestored | SimSubscriber>([...ss, ...subs].map((p) => [p.name, p]));
  const shape = opts.shape ?? (prng.chance(0.2) ? harshShape : defaultShape);
  const schedule = opts.schedule ?? randomSchedule(prng.fork(), ssNames, subNames, shape);
  const bound = convergenceBoundMs(flags);

  for (const p of procs.values()) p.start();
  for (const { atMs, fault } of schedule.faults) {
    clock.at(atMs, () => {
      checker.note(clock.now(), 'sim', 'fault', describeFault(fault));
      apply(fault, net, procs, ss);
    });
  }
  clock.at(schedule.healAtMs, () => {
    checker.note(clock.now(), 'sim', 'fault', 'heal all');
    net.healAll();
    for (const p of procs.values()) {
      if (schedule.stayDown?.includes(p.name)) continue;
      if (!p.up) p.restart();
      else p.resume();
    }
  });

  // Run, checking the safety invariants after every step. Once converged, keep going for
  // `stable` (longer than the peer timeout, so a takeover still in the making would show), then
  // stop: running on to heal + bound would only repeat steady-state heartbeats.
  // Messages held on a link before the heal still arrive after it (FIFO): the bound starts
  // once they have drained.
  const drain = drainMs(schedule);
  const end = schedule.healAtMs + drain + bound;
  const stable = flags.statestore_peer_timeout_ms + flags.statestore_ha_heartbeat_monitoring_frequency_ms;
  let convergedSince: number | null = null;
  const checkEvery = 10;
  // Not before the held messages are in: one of them may still depose someone.
  let nextConvergenceCheck = schedule.healAtMs + drain;
  let stoppedEarly = false;
  while (checker.failed === null) {
    const next = clock.nextAt();
    if (next === null || next > end) break;
    clock.runNext();
    if (clock.now() >= nextConvergenceCheck) {
      nextConvergenceCheck = clock.now() + checkEvery;
      const c = converged(ss, subs);
      if (c === null) convergedSince ??= clock.now();
      else convergedSince = null;
      if (convergedSince !== null && clock.now() - convergedSince >= stable) {
        stoppedEarly = true;
        break;
      }
    }
  }
  if (checker.failed === null && !stoppedEarly) clock.runUntil(end);
  if (checker.failed === null) {
    const why = converged(ss, subs);
    if (why !== null) {
      checker.failWithText(
        `not converged ${bound} ms after the heal at t=${schedule.healAtMs}${drain > 0 ? ` (+${drain} ms for held messages to drain)` : ''}: ${why}\n  bound ${CONVERGENCE_BOUND_FORMULA} = ${bound} ms`,
      );
    }
  }
  const failure = checker.failed === null ? null : report(opts.seed, checker, schedule, flags.statestore_ha_unsafe_skip_majority_check);
  const takeovers = checker.history.ofKind('takeover').length;
  return {
    seed: opts.seed,
    ok: failure === null,
    failure,
    convergedAfterMs: convergedSince === null || failure !== null ? null : convergedSince - (schedule.healAtMs + drain),
    boundMs: bound,
    takeovers,
    messages: net.stats.sent,
    schedule,
    decisions: checker.history
      .events()
      .filter((e) => e.kind === 'role' || e.kind === 'catalogd')
      .map((e) => `t=${Math.round(e.t)} ${e.observer} ${e.kind} ${show(e.data)}`),
  };
}

function apply(f: Fault, net: SimNetwork<SimMessage>, procs: ReadonlyMap<string, SimStatestored | SimSubscriber>, ss: readonly SimStatestored[]): void {
  const proc = (n: string) => {
    const p = procs.get(n);
    if (!p) throw new Error(`unknown node ${n}`);
    return p;
  };
  switch (f.kind) {
    case 'crash':
      if (proc(f.node).up) proc(f.node).crash();
      return;
    case 'restart':
      if (!proc(f.node).up) proc(f.node).restart();
      return;
    case 'pause':
      if (proc(f.node).up) proc(f.node).pause();
      return;
    case 'resume':
      proc(f.node).resume();
      return;
    case 'partition':
      net.partition(f.a, f.b);
      return;
    case 'heal':
      net.heal(f.a, f.b);
      return;
    case 'cutOneWay':
      net.cutOneWay(f.from, f.to);
      return;
    case 'isolate':
      for (const other of procs.keys()) if (other !== f.node) net.partition(f.node, other);
      return;
    case 'cutSubscribers': {
      // Aim at whoever is active now, if anyone, so majority and minority cuts of the active happen.
      const target = ss.find((s) => s.isActive())?.name ?? f.statestored;
      for (const s of f.subscribers) net.partition(target, s);
      return;
    }
    case 'slowLink':
      net.setLink(f.from, f.to, { minDelayMs: 1, maxDelayMs: f.maxDelayMs, dropRate: f.dropRate });
      return;
    case 'holdLink':
      net.setLink(f.from, f.to, { minDelayMs: f.delayMs, maxDelayMs: f.delayMs, dropRate: 0 });
      return;
  }
}

/**
 * Null when exactly one statestored is active, the pair is formed (both see their peer, so HA
 * heartbeats flow), and every live subscriber follows the active under its epoch; else why not.
 */
function converged(ss: readonly SimStatestored[], subs: readonly SimSubscriber[]): string | null {
  const active = ss.filter((s) => s.isActive());
  if (active.length !== 1) return `${active.length} active statestoreds (${ss.map((s) => `${s.name}=${s.state?.role ?? 'down'}`).join(', ')})`;
  const a = active[0];
  if (a === undefined) return 'no active';
  // The pair can only re-form when both statestoreds are up.
  const unpaired = ss.every((s) => s.up) ? ss.filter((s) => s.state !== null && !peerConnected(s.state)) : [];
  if (unpaired.length > 0) return `the pair is not formed: ${unpaired.map((s) => `${s.name} (${s.state?.role ?? 'down'}) has no peer`).join(', ')}`;
  const index = a.name === STATESTOREDS[1] ? 1 : 2;
  for (const s of subs) {
    if (!s.up) continue;
    const f = s.state;
    if (s.follows() !== index || f.highestEpoch !== a.epoch()) {
      return `${s.name} follows ${s.follows() ?? 'none'} at epoch ${f.highestEpoch}, active is ${a.name} at epoch ${a.epoch()}`;
    }
  }
  // The active statestored's catalogd election names a live catalogd registered with it.
  const registered = subs.filter((s) => s.up && s.name.startsWith('catalogd') && a.hasRegistered(s.name)).map((s) => s.name);
  const cat = a.activeCatalogd();
  if (registered.length > 0 && (cat === null || !registered.includes(cat))) {
    return `${a.name} designates catalogd ${cat ?? 'none'}, registered live catalogds: ${registered.join(', ')}`;
  }
  return null;
}

function report(seed: number, checker: InvariantChecker, schedule: FaultSchedule, skipMajorityCheck: boolean): string {
  const faults = schedule.faults.map((f) => `t=${f.atMs} ${describeFault(f.fault)}`).join('; ');
  return [
    `seed ${seed}: ${checker.failed ?? ''}`,
    `  schedule: ${faults || '(none)'}; heal at t=${schedule.healAtMs}`,
    `  replay: ${replayCommand(seed, skipMajorityCheck)}`,
    '  last events:',
    checker.history
      .tail(25, show)
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
  ].join('\n');
}

export type { Fault };
