/**
 * Replays one seed with its full story: `SIM_SEED=1234 npx jest -c libs/simulation/jest.config.cjs -t replay`
 * (the command every failure prints; SIM_MUTATIONS=skipMajorityCheck,... replays a run of the
 * mutation spec's broken node). Without SIM_SEED it replays seed 1, which must pass.
 */
import type { NodeMutation } from '@statestore-ha/statestored-node';
import { runSimulation } from './cluster-sim';
import { describeFault } from './fault-schedule';

it('replay SIM_SEED', () => {
  const seed = Number(process.env['SIM_SEED'] ?? '1');
  const mutations = (process.env['SIM_MUTATIONS'] ?? '').split(',').filter((m) => m !== '') as NodeMutation[];
  const r = runSimulation({ seed, mutations });
  const again = runSimulation({ seed, mutations });
  console.log(
    [
      `seed ${seed}: ${r.ok ? 'ok' : 'FAILED'}; ${r.takeovers} takeovers; converged ${r.convergedAfterMs ?? '-'} ms after the heal (bound ${r.boundMs} ms); ${r.messages} messages`,
      `schedule: ${r.schedule.faults.map((f) => `t=${f.atMs} ${describeFault(f.fault)}`).join('; ') || '(none)'}; heal at t=${r.schedule.healAtMs}`,
      r.failure ?? '',
    ].join('\n'),
  );
  // Same seed, same run: what makes a printed seed worth replaying.
  expect(again).toEqual(r);
  if (mutations.length === 0) expect(r.failure).toBeNull();
});
