import { DEFAULT_TIMING } from '../cluster';
import { CliUsageError, HelpRequested, parseCliOptions } from './cli-options';

describe('parseCliOptions', () => {
  it('defaults to the partition suite on process runtime with both fault kinds', () => {
    const o = parseCliOptions(['--seed=7'], '/repo');
    expect(o.suite).toMatchObject({ suite: 'partition', runtime: 'process', faultKinds: ['toxiproxy', 'netns'], seed: 7, timing: DEFAULT_TIMING, statestoredFlags: {} });
    expect(o.suite.distDir).toBe('/repo/dist');
    expect(o.reportsDir).toBe('/repo/chaos/reports');
  });

  it('lets a flag given again override the target default, and maps the timing flags', () => {
    const o = parseCliOptions(['--suite=nemesis', '--duration-s=60', '--duration-s=40', '--peer-timeout-s=3', '--faults=netns', '--only=a,b'], '/repo');
    expect(o.suite).toMatchObject({ suite: 'nemesis', durationS: 40, faultKinds: ['netns'], only: ['a', 'b'] });
    expect(o.suite.timing.peerTimeoutS).toBe(3);
  });

  it('turns the bug switch into the statestored flag', () => {
    expect(parseCliOptions(['--unsafe-skip-majority-check'], '/r').suite.statestoredFlags).toEqual({ debug_actions: 'STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK' });
  });

  it('names the flag, value and rule of a bad option', () => {
    expect(() => parseCliOptions(['--faults=iptables'], '/r')).toThrow(new CliUsageError('faults', 'iptables', 'must be one of toxiproxy, netns, both'));
    expect(() => parseCliOptions(['--catalogds=3'], '/r')).toThrow('--catalogds=3: must be 1 or 2');
    expect(() => parseCliOptions(['--heartbeat-ms=0'], '/r')).toThrow('--heartbeat-ms=0: must be a number > 0');
  });
  it('refuses an unknown flag or a bare argument by name, and answers --help with the usage', () => {
    expect(() => parseCliOptions(['--sutie=crash'], '/repo')).toThrow('--sutie=crash: unknown flag (see --help)');
    expect(() => parseCliOptions(['partition'], '/repo')).toThrow(/unexpected argument/);
    for (const help of ['--help', '-h']) {
      const err = (() => {
        try {
          parseCliOptions([help], '/repo');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(HelpRequested);
      expect((err as Error).message).toContain('--suite=partition|crash|nemesis');
    }
  });
});
