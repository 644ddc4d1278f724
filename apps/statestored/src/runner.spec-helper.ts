/** A NodeRunner for specs: flags parsed by libs/config's table, a fake clock, silent logs. */
import { statestoredFlags } from '@statestore-ha/config';
import { createLogger } from '@statestore-ha/daemon';
import { createRegistry, createStatestoredMetrics, type StatestoredMetrics } from '@statestore-ha/metrics';
import { nodeConfigFromFlags } from '@statestore-ha/statestored-node';
import { FakeClock } from '@statestore-ha/testing';
import type { HaPeerClient } from './ha-transport';
import { NodeRunner, type Scheduler } from './node-runner';

export function fakeScheduler(clock: FakeClock): Scheduler {
  return { now: () => clock.now(), setTimer: (fn, ms) => clock.after(ms, fn), clearTimer: (h) => clock.cancel(h as number) };
}

export interface TestRunner {
  readonly runner: NodeRunner;
  readonly clock: FakeClock;
  readonly metrics: StatestoredMetrics;
  readonly registry: ReturnType<typeof createRegistry>;
}

/** `argv`: statestored flags as on a command line; `name` makes the statestore id and HA address. */
export function testRunner(argv: readonly string[], opts: { name?: string; clock?: FakeClock; peer?: HaPeerClient | null } = {}): TestRunner {
  const flags = statestoredFlags.parse(argv);
  const name = opts.name ?? 'ss1';
  const clock = opts.clock ?? new FakeClock(1_000_000);
  const registry = createRegistry('statestored');
  const metrics = createStatestoredMetrics(registry);
  let registrations = 0;
  const runner = new NodeRunner({
    config: nodeConfigFromFlags(flags, { statestoreId: `${name}-id`, selfHaAddress: `${name}:24020`, peerHaAddress: `${name === 'ss1' ? 'ss2' : 'ss1'}:24020` }),
    seed: 1,
    peer: opts.peer ?? null,
    metrics,
    log: createLogger('statestored', 'silent'),
    scheduler: fakeScheduler(clock),
    newRegistrationId: () => `reg-${++registrations}`,
  });
  return { runner, clock, metrics, registry };
}
