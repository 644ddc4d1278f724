/**
 * Replays one seed with its full story: `SIM_SEED=1234 npx jest -c libs/simulation/jest.config.cjs -t replay`
 * (the command every failure prints; SIM_SKIP_MAJORITY=1 replays a run with
 * statestore_ha_unsafe_skip_majority_check). Without SIM_SEED it replays seed 1, which must pass.
 */
import { runSimulation } from './cluster-sim';
import { describeFault } from './fault-schedule';

it('replay SIM_SEED', () => {
  const seed = Number(process.env['SIM_SEED'] ?? '1');
  const skip = process.env['SIM_SKIP_MAJORITY'] === '1';
  const r = runSimulation({ seed, flags: { statestore_ha_unsafe_skip_majority_check: skip } });
  const again = runSimulation({ seed, flags: { statestore_ha_unsafe_skip_majority_check: skip } });
  console.log(
    [
      `seed ${seed}: ${r.ok ? 'ok' : 'FAILED'}; ${r.takeovers} takeovers; converged ${r.convergedAfterMs ?? '-'} ms after the heal (bound ${r.boundMs} ms); ${r.messages} messages`,
      `schedule: ${r.schedule.faults.map((f) => `t=${f.atMs} ${describeFault(f.fault)}`).join('; ') || '(none)'}; heal at t=${r.schedule.healAtMs}`,
      r.failure ?? '',
    ].join('\n'),
  );
  // Same seed, same run: what makes a printed seed worth replaying.
  expect(again).toEqual(r);
  if (!skip) expect(r.failure).toBeNull();
});
