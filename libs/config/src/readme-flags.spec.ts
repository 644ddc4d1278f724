/**
 * The README's "Impala flags accepted" section names every flag each daemon accepts, and no other:
 * an operator reads there what a command line may carry (issue: no flag that parses and does nothing).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_DEFINITIONS } from '@statestore-ha/metrics';
import { catalogdFlags, impaladFlags, statestoredFlags } from './index';

function section(): string {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('### Impala flags accepted');
  const end = readme.indexOf('\n## ', start);
  if (start < 0 || end < 0) throw new Error('README.md has no "### Impala flags accepted" section');
  return readme.slice(start, end);
}

const named = (text: string): Set<string> => new Set([...text.matchAll(/`([a-z][a-z0-9_]+)`/g)].map((m) => m[1] ?? ''));

describe('README: Impala flags accepted', () => {
  const listed = named(section());

  it.each([statestoredFlags, catalogdFlags, impaladFlags].map((f) => [f.daemon, f] as const))('lists every flag of %s', (_daemon, flags) => {
    expect(Object.keys(flags.specs).filter((name) => !listed.has(name))).toEqual([]);
  });

  it('lists no flag that no daemon accepts', () => {
    const known = new Set([statestoredFlags, catalogdFlags, impaladFlags].flatMap((f) => Object.keys(f.specs)));
    const metrics = new Set<string>(Object.values(METRIC_DEFINITIONS).map((m) => m.name));
    expect([...listed].filter((name) => !known.has(name) && !metrics.has(name) && name.includes('_'))).toEqual([]);
  });
});
