import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ConfigErrors } from './config-error';
import { boolFlag, millisFlag, portFlag, stringFlag, type FlagValues } from './flag-spec';
import { FlagSet } from './flag-set';

const specs = {
  flagfile: stringFlag('', 'flag file'),
  state_store_port: portFlag(24000, 'port'),
  state_store_host: stringFlag('localhost', 'host'),
  enable_statestored_ha: boolFlag(false, 'ha'),
  tolerate_statestore_startup_delay: boolFlag(true, 'tolerate'),
  statestore_update_frequency_ms: millisFlag(2000, 'update'),
  statestore_priority_update_frequency_ms: millisFlag(100, 'priority'),
};
type Flags = FlagValues<typeof specs>;

const flags = new FlagSet<Flags>({
  daemon: 'testd',
  groups: [{ title: 'Test', specs }],
  checks: [
    {
      reads: ['statestore_priority_update_frequency_ms', 'statestore_update_frequency_ms'],
      check: (f) =>
        f.statestore_priority_update_frequency_ms <= f.statestore_update_frequency_ms
          ? undefined
          : new ConfigError('statestore_priority_update_frequency_ms', f.statestore_priority_update_frequency_ms, 'must be <= update'),
    },
  ],
});

function errorsOf(argv: readonly string[]): readonly ConfigError[] {
  try {
    flags.parse(argv);
  } catch (e) {
    if (e instanceof ConfigErrors) return e.errors;
    throw e;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

describe('FlagSet.parse', () => {
  it('gives every default for an empty command line', () => {
    expect(flags.parse([])).toEqual({
      flagfile: '',
      state_store_port: 24000,
      state_store_host: 'localhost',
      enable_statestored_ha: false,
      tolerate_statestore_startup_delay: true,
      statestore_update_frequency_ms: 2000,
      statestore_priority_update_frequency_ms: 100,
    });
  });

  it('takes --name=value, --name value and -name=value', () => {
    const f = flags.parse(['--state_store_port=24001', '--state_store_host', 'ss-2', '-statestore_update_frequency_ms=500']);
    expect([f.state_store_port, f.state_store_host, f.statestore_update_frequency_ms]).toEqual([24001, 'ss-2', 500]);
  });

  it.each([
    [['--enable_statestored_ha'], true],
    [['--enable_statestored_ha=true'], true],
    [['--enable_statestored_ha=false'], false],
    [['--enable_statestored_ha', 'false'], false],
    [['--enable_statestored_ha=1'], true],
    [['--noenable_statestored_ha'], false],
    [['-noenable_statestored_ha'], false],
    [['--enable_statestored_ha', '--noenable_statestored_ha'], false],
    [['--noenable_statestored_ha', '--enable_statestored_ha'], true],
  ])('reads the boolean form %p as %p', (argv, expected) => {
    expect(flags.parse(argv).enable_statestored_ha).toBe(expected);
  });

  it('turns a default-true bool off with --noname', () => {
    expect(flags.parse(['--notolerate_statestore_startup_delay']).tolerate_statestore_startup_delay).toBe(false);
  });

  it('lets the last occurrence win, as gflags does', () => {
    expect(flags.parse(['--state_store_port=1', '--state_store_port=2']).state_store_port).toBe(2);
  });

  it('keeps string values verbatim: no number guessing, no camel case, no dot objects', () => {
    const f = flags.parse(['--state_store_host=0010', '--state_store_port=0024000']);
    expect(f.state_store_host).toBe('0010');
    expect(f.state_store_port).toBe(24000);
    expect(Object.keys(f)).not.toContain('stateStoreHost');
    expect(errorsOf(['--a.b=1']).map((e) => e.flag)).toEqual(['a.b']);
  });

  it('names an unknown flag and suggests the close one', () => {
    const [error, ...rest] = errorsOf(['--state-store-port=24000']);
    expect(rest).toEqual([]);
    expect(error?.flag).toBe('state-store-port');
    expect(error?.value).toBe('24000');
    expect(error?.message).toBe('--state-store-port=24000: unknown flag for testd; did you mean --state_store_port? (--help lists them all)');
  });

  it('does not suggest a flag that is nothing like the typo', () => {
    expect(errorsOf(['--completely_different=1'])[0]?.rule).toBe('unknown flag for testd (--help lists them all)');
  });

  it('rejects --noname for a flag that is not a bool', () => {
    expect(errorsOf(['--nostate_store_port']).map((e) => e.flag)).toEqual(['nostate_store_port']);
  });

  it('names the range of an out-of-range value', () => {
    expect(errorsOf(['--state_store_port=70000']).map((e) => e.message)).toEqual(['--state_store_port=70000: must be an integer in [1, 65535]']);
  });

  it('reports every problem at once, in one ConfigErrors', () => {
    let thrown: unknown;
    try {
      flags.parse(['--state_store_port=0', '--enable_statestored_ha=perhaps', '--bogus', 'stray', '--statestore_update_frequency_ms=x']);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigErrors);
    const errors = (thrown as ConfigErrors).errors;
    expect(errors.map((e) => e.flag).sort()).toEqual(
      ['bogus', 'enable_statestored_ha', 'state_store_port', 'statestore_update_frequency_ms'].sort(),
    );
    expect((thrown as ConfigErrors).message.split('\n')[0]).toBe('4 invalid flags:');
    for (const e of errors) expect((thrown as ConfigErrors).message).toContain(e.message);
  });

  it('rejects positional arguments', () => {
    expect(errorsOf(['--state_store_port=1', 'stray']).map((e) => [e.flag, e.value])).toEqual([['(positional)', 'stray']]);
  });

  it('runs cross-field checks on valid values and names the flag to change', () => {
    expect(errorsOf(['--statestore_priority_update_frequency_ms=3000']).map((e) => e.message)).toEqual([
      '--statestore_priority_update_frequency_ms=3000: must be <= update',
    ]);
  });

  it('skips a cross-field check whose inputs are already rejected', () => {
    const errors = errorsOf(['--statestore_priority_update_frequency_ms=3000', '--statestore_update_frequency_ms=0']);
    expect(errors.map((e) => e.rule)).toEqual(['must be an integer in [1, 2147483647]']);
  });
});

describe('FlagSet --flagfile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-flagfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('reads one flag per line, skipping comments and blank lines', () => {
    const path = write('ss.flags', '# statestored\n\n--state_store_port=24005\n  --enable_statestored_ha  \n--state_store_host=a b\n');
    const f = flags.parse([`--flagfile=${path}`]);
    expect([f.state_store_port, f.enable_statestored_ha, f.state_store_host, f.flagfile]).toEqual([24005, true, 'a b', path]);
  });

  it('lets the command line win over the file, wherever --flagfile appears', () => {
    const path = write('ss.flags', '--state_store_port=24005\n--statestore_update_frequency_ms=700\n');
    const before = flags.parse(['--state_store_port=24009', `--flagfile=${path}`]);
    const after = flags.parse([`--flagfile=${path}`, '--state_store_port=24009']);
    for (const f of [before, after]) expect([f.state_store_port, f.statestore_update_frequency_ms]).toEqual([24009, 700]);
  });

  it('applies several flagfiles in order, the later winning', () => {
    const first = write('a.flags', '--state_store_port=1\n--state_store_host=first\n');
    const second = write('b.flags', '--state_store_port=2\n');
    const f = flags.parse([`--flagfile=${first}`, '--flagfile', second]);
    expect([f.state_store_port, f.state_store_host, f.flagfile]).toEqual([2, 'first', `${first},${second}`]);
  });

  it('names a bad value from the file like one from the command line, together with other errors', () => {
    const path = write('bad.flags', '--state_store_port=99999\n--unknown_flag=1\n');
    expect(errorsOf([`--flagfile=${path}`, '--enable_statestored_ha=x']).map((e) => e.flag).sort()).toEqual(
      ['enable_statestored_ha', 'state_store_port', 'unknown_flag'].sort(),
    );
  });

  it('names the file and line of a line that is not a flag', () => {
    const path = write('typo.flags', '--state_store_port=1\nstate_store_host=x\n');
    const [error] = errorsOf([`--flagfile=${path}`]);
    expect(error?.flag).toBe('flagfile');
    expect(error?.value).toBe(`${path}:2`);
  });

  it('says which file it cannot read', () => {
    const missing = join(dir, 'missing.flags');
    const [error] = errorsOf([`--flagfile=${missing}`]);
    expect([error?.flag, error?.value]).toEqual(['flagfile', missing]);
    expect(error?.rule).toMatch(/^cannot read the file: ENOENT/);
  });

  it('refuses a bare --flagfile', () => {
    expect(errorsOf(['--flagfile']).map((e) => e.rule)).toEqual(['needs a path: --flagfile=<path>']);
  });
});

describe('FlagSet construction and help', () => {
  it('refuses a table that defines a flag twice', () => {
    expect(
      () => new FlagSet<Flags>({ daemon: 'testd', groups: [{ title: 'A', specs }, { title: 'B', specs: { state_store_port: portFlag(1, '') } }] }),
    ).toThrow('flag --state_store_port is defined twice for testd');
  });

  it('renders every flag with its type, default, range and help', () => {
    const help = flags.help();
    for (const [name, spec] of Object.entries(specs)) {
      expect(help).toContain(`--${name}=<${spec.type}>  default: ${JSON.stringify(spec.default)}`);
      expect(help).toContain(spec.help);
    }
    expect(help).toContain('--state_store_port=<int>  default: 24000  range: [1, 65535]');
  });
});
