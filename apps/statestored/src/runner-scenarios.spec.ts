/** Walks apps/statestored/testdata/*.txt through RunnerScenarioEnv (REWRITE=1 regenerates the outputs). */
import { join } from 'node:path';
import { rewriteRequested, runTextScenarioFileAsync, textScenarioFiles } from '@statestore-ha/testing';
import { RunnerScenarioEnv } from './runner-scenario-env.spec-helper';

const dir = join(__dirname, '..', 'testdata');
const files = textScenarioFiles(dir);

describe('statestored runner scenarios (testdata)', () => {
  it('has scenario files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s', async (file) => {
    const r = await runTextScenarioFileAsync(join(dir, file), new RunnerScenarioEnv(), rewriteRequested(process.env));
    expect(r.actual).toEqual(r.expected);
  });
});
