/**
 * The deterministic simulator: two statestoreds running the shipped node
 * (libs/statestored-node) and N subscribers (the first two are catalogds, the rest impalads) on
 * the simulated network and fake clock of libs/testing. One run = one seed: a random fault
 * schedule, a heal, then the convergence check; the invariants of invariants.ts are checked after
 * every delivered message and every timer.
 */
import type { NodeMutation } from '@statestore-ha/statestored-node';
import { FakeClock, SeededPrng, SimNetwork } from '@statestore-ha/testing';
import { CONVERGENCE_BOUND_FORMULA, VIEW_BOUND_FORMULA, convergenceBoundMs, viewBoundMs } from './convergence-bound';
import { describeFault, drainMs, randomSchedule, type Fault, type FaultSchedule, type ScheduleShape } from './fault-schedule';
import { InvariantChecker, show } from './invariants';
import { simConfig, type SimConfigOverrides } from './sim-config';
import type { SimMessage } from './sim-messages';
import { SimStatestored } from './sim-statestored';
import { STATESTOREDS, SimSubscriber, isCatalogd } from './sim-subscriber';

export interface SimOptions {
  readonly seed: number;
  /** Flags beyond the simulator's (sim-config.ts), parsed by libs/config like the daemons'. */
  readonly config?: SimConfigOverrides;
  /** Deliberate bugs in the node (the mutation spec): the run must then fail on some seeds. */
  readonly mutations?: readonly NodeMutation[];
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
  /** The same for the views (membership, catalogd), judged against viewBoundMs. */
  readonly viewsConvergedAfterMs: number | null;
  /** The roles' bound and the views' bound (convergence-bound.ts). */
  readonly boundMs: number;
  readonly viewBoundMs: number;
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
export function replayCommand(seed: number, mutations: readonly NodeMutation[] = []): string {
  return `${mutations.length > 0 ? `SIM_MUTATIONS=${mutations.join(',')} ` : ''}SIM_SEED=${seed} npx jest -c libs/simulation/jest.config.cjs -t replay`;
}

export function runSimulation(opts: SimOptions): SimResult {
  const config = simConfig(opts.config);
  const mutations = opts.mutations ?? [];
  const prng = new SeededPrng(opts.seed);
  const clock = new FakeClock(0);
  const net = new SimNetwork<SimMessage>(clock, prng.fork(), { minDelayMs: 1, maxDelayMs: config.healedMaxDelayMs, dropRate: 0 });
  const checker = new InvariantChecker();
  const nSubs = opts.subscribers ?? prng.int(1, 5);
  const subNames = Array.from({ length: nSubs }, (_, i) => (i < 2 ? `catalogd${i + 1}` : `impalad${i - 1}`));
  const ssNames = [STATESTOREDS[1], STATESTOREDS[2]];
  // Each incarnation of a node seeds its randomness from the run's seed: a run replays exactly.
  const seeds = prng.fork();
  const seedOf = (): number => seeds.int(0, 0xffffffff);
  const ss = [
    new SimStatestored(ssNames[0] ?? 'ss1', ssNames[1] ?? 'ss2', config, mutations, seedOf, clock, net, checker),
    new SimStatestored(ssNames[1] ?? 'ss2', ssNames[0] ?? 'ss1', config, mutations, seedOf, clock, net, checker),
  ];
  const subs = subNames.map((n) => new SimSubscriber(n, config, clock, net, checker));
  const procs = new Map<string, SimStatestored | SimSubscriber>([...ss, ...subs].map((p) => [p.name, p]));
  const shape = opts.shape ?? (prng.chance(0.2) ? harshShape : defaultShape);
  const schedule = opts.schedule ?? randomSchedule(prng.fork(), ssNames, subNames, shape);
  const bound = convergenceBoundMs(config);
  const viewBound = viewBoundMs(config);

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
      if (p.up) p.resume();
      else if (!schedule.stayDown?.includes(p.name)) p.restart();
    }
  });

  // Run, checking the safety invariants after every step. Once everything converged, keep going
  // for `stable` (longer than the peer timeout, so a takeover still in the making would show),
  // then stop: running on to the bounds would only repeat steady-state heartbeats.
  // Messages held on a link before the heal still arrive after it (FIFO): the bounds start
  // once they have drained.
  const drain = drainMs(schedule);
  const healed = schedule.healAtMs + drain;
  const end = healed + Math.max(bound, viewBound);
  const stable = config.statestored.statestore_peer_timeout_seconds * 1000 + config.statestored.statestore_ha_heartbeat_monitoring_frequency_ms;
  let rolesSince: number | null = null;
  let allSince: number | null = null;
  const checkEvery = 10;
  // Not before the held messages are in: one of them may still depose someone.
  let nextConvergenceCheck = healed;
  let stoppedEarly = false;
  while (checker.failed === null) {
    const next = clock.nextAt();
    if (next === null || next > end) break;
    clock.runNext();
    if (clock.now() >= nextConvergenceCheck) {
      nextConvergenceCheck = clock.now() + checkEvery;
      const c = converged(ss, subs);
      if (c.roles === null) rolesSince ??= clock.now();
      else rolesSince = null;
      if (c.roles === null && c.views === null) allSince ??= clock.now();
      else allSince = null;
      if (allSince !== null && clock.now() - allSince >= stable) {
        stoppedEarly = true;
        break;
      }
    }
  }
  if (checker.failed === null && !stoppedEarly) clock.runUntil(end);
  if (checker.failed === null) {
    const c = converged(ss, subs);
    const late = rolesSince !== null && rolesSince - healed > bound ? `roles converged only ${rolesSince - healed} ms after the heal` : null;
    const why = c.roles ?? late ?? c.views;
    if (why !== null) {
      checker.failWithText(
        `not converged after the heal at t=${schedule.healAtMs}${drain > 0 ? ` (+${drain} ms for held messages to drain)` : ''}: ${why}\n` +
          `  roles bound ${CONVERGENCE_BOUND_FORMULA} = ${bound} ms\n  views bound ${VIEW_BOUND_FORMULA} = ${viewBound} ms`,
      );
    }
  }
  const failure = checker.failed === null ? null : report(opts.seed, checker, schedule, mutations);
  const takeovers = checker.history.ofKind('takeover').length;
  return {
    seed: opts.seed,
    ok: failure === null,
    failure,
    convergedAfterMs: rolesSince === null || failure !== null ? null : rolesSince - healed,
    viewsConvergedAfterMs: allSince === null || failure !== null ? null : allSince - healed,
    boundMs: bound,
    viewBoundMs: viewBound,
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
 * Why the cluster has not converged yet (null: it has). Roles: exactly one statestored is active,
 * the pair is formed (both see their peer, so HA heartbeats flow), every live subscriber follows
 * the active under its epoch, and the active designates a live registered catalogd. Views: every
 * live impalad's membership view holds exactly the live impalads (a dead one was dropped and its
 * transient entry is gone), and every live impalad follows the catalogd the active designates.
 */
function converged(ss: readonly SimStatestored[], subs: readonly SimSubscriber[]): { roles: string | null; views: string | null } {
  const roles = rolesConverged(ss, subs);
  return { roles, views: roles === null ? viewsConverged(ss, subs) : 'roles first' };
}

function rolesConverged(ss: readonly SimStatestored[], subs: readonly SimSubscriber[]): string | null {
  const active = ss.filter((s) => s.isActive());
  if (active.length !== 1) return `${active.length} active statestoreds (${ss.map((s) => `${s.name}=${s.role()}`).join(', ')})`;
  const a = active[0];
  if (a === undefined) return 'no active';
  // The pair can only re-form when both statestoreds are up.
  const unpaired = ss.every((s) => s.up) ? ss.filter((s) => !s.pairFormed()) : [];
  if (unpaired.length > 0) return `the pair is not formed: ${unpaired.map((s) => `${s.name} (${s.role()}) has no peer`).join(', ')}`;
  const index = a.name === STATESTOREDS[1] ? 1 : 2;
  for (const s of subs) {
    if (!s.up) continue;
    const f = s.state;
    if (s.follows() !== index || f.highestEpoch !== a.epoch()) {
      return `${s.name} follows ${s.follows() ?? 'none'} at epoch ${f.highestEpoch}, active is ${a.name} at epoch ${a.epoch()}`;
    }
  }
  return null;
}

function viewsConverged(ss: readonly SimStatestored[], subs: readonly SimSubscriber[]): string | null {
  const a = ss.find((s) => s.isActive());
  if (a === undefined) return 'no active';
  // The active statestored's catalogd election names a live catalogd registered with it (a dead
  // one is dropped after its missed heartbeats, which is why this is judged with the views).
  const registered = subs.filter((s) => s.up && isCatalogd(s.name) && a.hasRegistered(s.name)).map((s) => s.name);
  const cat = a.activeCatalogd();
  if (registered.length > 0 && (cat === null || !registered.includes(cat))) {
    return `${a.name} designates catalogd ${cat ?? 'none'}, registered live catalogds: ${registered.join(', ')}`;
  }
  const impalads = subs.filter((s) => !isCatalogd(s.name));
  const live = impalads.filter((s) => s.up).map((s) => s.name).sort();
  for (const s of impalads) {
    if (!s.up) continue;
    const view = s.membership();
    if (view.join(',') !== live.join(',')) return `${s.name}'s membership view is [${view.join(', ')}], live impalads are [${live.join(', ')}]`;
    if (cat !== null && s.catalogd() !== cat) return `${s.name} follows catalogd ${s.catalogd() ?? 'none'}, ${a.name} designates ${cat}`;
  }
  return null;
}

function report(seed: number, checker: InvariantChecker, schedule: FaultSchedule, mutations: readonly NodeMutation[]): string {
  const faults = schedule.faults.map((f) => `t=${f.atMs} ${describeFault(f.fault)}`).join('; ');
  return [
    `seed ${seed}: ${checker.failed ?? ''}`,
    `  schedule: ${faults || '(none)'}; heal at t=${schedule.healAtMs}`,
    `  replay: ${replayCommand(seed, mutations)}`,
    '  last events:',
    checker.history
      .tail(25, show)
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
  ].join('\n');
}

export type { Fault };
