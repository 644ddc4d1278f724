/**
 * First half of the 10,000-seed sweep (seeds 1..5000); random-schedules-b.spec.ts runs the
 * other half in the second Jest worker. A failure prints its replay command.
 */
import { formatSweep, sweepSeeds } from './seed-sweep';

it('5,000 random fault schedules (seeds 1-5000) keep every invariant, and roles and views converge', () => {
  const s = sweepSeeds(1, 5000, {}, () => performance.now());
  console.log(formatSweep('random schedules a', s));
  expect(s.failures.map((f) => f.failure)).toEqual([]);
  expect(s.seeds).toBe(5000);
  // The sweep must exercise takeovers and dead subscribers, or it proves little about them.
  expect(s.takeovers).toBeGreaterThan(100);
  expect(s.deadSubscriberRuns).toBeGreaterThan(50);
});
