/** Walks libs/ha/testdata/*.txt through ScenarioEnv (REWRITE=1 regenerates the outputs). */
import { join } from 'node:path';
import { rewriteRequested, runTextScenarioFile, textScenarioFiles } from '@statestore-ha/testing';
import { ScenarioEnv } from './scenario-env.spec-helper';

const dir = join(__dirname, '..', 'testdata');
const files = textScenarioFiles(dir);

describe('HA scenarios (testdata)', () => {
  it('has scenario files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s', (file) => {
    const r = runTextScenarioFile(join(dir, file), new ScenarioEnv(), rewriteRequested(process.env));
    expect(r.actual).toEqual(r.expected);
  });
});
