import { coerceFlagValue, rangeText } from './coerce-flag-value';
import { boolFlag, choiceFlag, millisFlag, portFlag, stringFlag, type DoubleFlagSpec } from './flag-spec';

const ok = (value: number | boolean | string) => ({ ok: true, value });

describe('coerceFlagValue', () => {
  it.each([
    [true, true],
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['y', true],
    ['t', true],
    ['false', false],
    ['False', false],
    ['0', false],
    ['no', false],
    ['n', false],
    ['f', false],
  ] as const)('reads bool %p as %p', (raw, expected) => {
    expect(coerceFlagValue('b', boolFlag(!expected, ''), raw)).toEqual(ok(expected));
  });

  it('rejects a bool word gflags does not know, naming the accepted ones', () => {
    const result = coerceFlagValue('enable_statestored_ha', boolFlag(false, ''), 'maybe');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe('--enable_statestored_ha=maybe: must be a boolean: true|false (also 1|0, yes|no, t|f, y|n; or --name / --noname)');
  });

  it('reads ints in range and keeps their sign', () => {
    expect(coerceFlagValue('p', portFlag(1, ''), '65535')).toEqual(ok(65535));
    expect(coerceFlagValue('p', millisFlag(5, '', 0), ' +0 ')).toEqual(ok(0));
  });

  it.each(['0', '65536', '-1'])('rejects port %s with the range', (raw) => {
    const result = coerceFlagValue('state_store_port', portFlag(24000, ''), raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.flag).toBe('state_store_port');
      expect(result.error.value).toBe(raw);
      expect(result.error.rule).toBe('must be an integer in [1, 65535]');
    }
  });

  it.each(['1.5', '1e3', '0x10', '', 'ten', '99999999999999999999'])('rejects %p as an int', (raw) => {
    const result = coerceFlagValue('statestore_heartbeat_frequency_ms', millisFlag(1000, ''), raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.rule).toBe('must be an integer in [1, 2147483647]');
  });

  it('says a bare int or string flag needs a value', () => {
    const int = coerceFlagValue('state_store_port', portFlag(24000, ''), true);
    const str = coerceFlagValue('state_store_host', stringFlag('localhost', ''), true);
    expect(int.ok || int.error.rule).toBe('needs a value: --state_store_port=<int> in [1, 65535]');
    expect(str.ok || str.error.rule).toBe('needs a value: --state_store_host=<string> (use --state_store_host= for an empty one)');
  });

  it('reads doubles and checks their range', () => {
    const spec: DoubleFlagSpec = { type: 'double', default: 0.5, min: 0, max: 1, help: '' };
    expect(coerceFlagValue('p', spec, '0.25')).toEqual(ok(0.25));
    expect(coerceFlagValue('p', spec, '.5')).toEqual(ok(0.5));
    expect(coerceFlagValue('p', spec, '1e-1')).toEqual(ok(0.1));
    for (const bad of ['1.5', 'nan', 'inf', '', '0x1']) expect(coerceFlagValue('p', spec, bad).ok).toBe(false);
  });

  it('checks choices and the extra rule of a string flag', () => {
    const level = choiceFlag('info', ['info', 'warn'], '');
    expect(coerceFlagValue('log_level', level, 'warn')).toEqual(ok('warn'));
    const bad = coerceFlagValue('log_level', level, 'loud');
    expect(bad.ok || bad.error.message).toBe('--log_level=loud: must be one of info|warn');
    const host = stringFlag('x', '', { validate: (v) => (v === '' ? 'must not be empty' : undefined) });
    const empty = coerceFlagValue('state_store_host', host, '');
    expect(empty.ok || empty.error.rule).toBe('must not be empty');
  });
});

describe('rangeText', () => {
  it('writes closed ranges and one-sided bounds', () => {
    expect(rangeText(1, 10)).toBe('[1, 10]');
    expect(rangeText(0, undefined)).toBe('>= 0');
    expect(rangeText(undefined, 3)).toBe('<= 3');
    expect(rangeText(undefined, undefined)).toBe('');
  });
});
