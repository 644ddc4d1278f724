/**
 * The simulator catches what it claims to: a node with a deliberately broken safety rule (a test
 * seam of libs/statestored-node, not a daemon flag) fails the random schedules within the CI
 * seeds. Beside chaos's catches-bug spec, which does the same to real processes.
 */
import type { NodeMutation } from '@statestore-ha/statestored-node';
import { formatSweep, sweepSeeds } from './seed-sweep';

const CASES: ReadonlyArray<{ mutation: NodeMutation; broken: string; caughtAs: RegExp }> = [
  { mutation: 'skipMajorityCheck', broken: 'the takeover rule trusts the peer detector alone', caughtAs: /takeover without a majority of subscribers losing the active/ },
  { mutation: 'ignoreNewerEpochs', broken: 'the fence: an active ignores subscribers that saw a newer epoch', caughtAs: /2 active statestoreds/ },
  { mutation: 'trustResetLinks', broken: 'crash evidence from a link that merely went down', caughtAs: /takeover on crash evidence (while the link to the peer was down|without a majority of subscribers refused)/ },
];

describe.each(CASES)('the $mutation mutation ($broken)', ({ mutation, caughtAs }) => {
  it('fails random schedules within the CI seeds, with a replay command', () => {
    const s = sweepSeeds(1, 2000, { mutations: [mutation] }, () => performance.now(), 1);
    console.log(formatSweep(`mutation ${mutation}`, s));
    const first = s.failures[0];
    expect(first).toBeDefined();
    expect(first?.failure).toMatch(caughtAs);
    expect(first?.failure).toMatch(new RegExp(`replay: SIM_MUTATIONS=${mutation} SIM_SEED=\\d+ `));
  });
});
