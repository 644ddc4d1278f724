import { coerceFlagValue, type RawFlagValue } from './coerce-flag-value';
import { ConfigError, ConfigErrors } from './config-error';
import type { CrossFieldCheck } from './cross-field-check';
import type { FlagGroup, FlagSpec } from './flag-spec';
import { closestFlagName } from './flag-suggestion';
import { readFlagfile } from './flagfile';
import { renderHelp } from './help-text';
import { tokenizeArgv } from './tokenize-argv';

/** The flag every daemon has and parse() reads itself: gflags' --flagfile. */
const FLAGFILE = 'flagfile';

export interface FlagSetOptions<T> {
  /** Program name for the usage line, e.g. `statestored`. */
  readonly daemon: string;
  /** The table, in the order help() prints it. A name may appear in one group only. */
  readonly groups: readonly FlagGroup[];
  readonly checks?: readonly CrossFieldCheck<T>[];
}

/**
 * One daemon's flags: the table, parse() from argv to a typed plain object keyed by Impala's
 * names, and help(). parse() reports every problem at once in one ConfigErrors.
 */
export class FlagSet<T> {
  /** Every flag of this daemon by name, merged from the groups. */
  readonly specs: { readonly [K in keyof T]: FlagSpec };
  readonly daemon: string;
  private readonly groups: readonly FlagGroup[];
  private readonly checks: readonly CrossFieldCheck<T>[];
  private readonly names: ReadonlySet<string>;
  private readonly boolNames: ReadonlySet<string>;

  constructor(options: FlagSetOptions<T>) {
    const specs: Record<string, FlagSpec> = {};
    for (const group of options.groups) {
      for (const [name, spec] of Object.entries(group.specs)) {
        // Two rows for one name would make help and parse disagree: a table bug, not input.
        if (name in specs) throw new Error(`flag --${name} is defined twice for ${options.daemon}`);
        specs[name] = spec;
      }
    }
    if (!(FLAGFILE in specs)) throw new Error(`${options.daemon} has no --${FLAGFILE} flag`);
    this.specs = specs as { readonly [K in keyof T]: FlagSpec };
    this.daemon = options.daemon;
    this.groups = options.groups;
    this.checks = options.checks ?? [];
    this.names = new Set(Object.keys(specs));
    this.boolNames = new Set(Object.keys(specs).filter((name) => specs[name]?.type === 'bool'));
  }

  /** Typed flag values from argv (without `node` and the script). Throws ConfigErrors. */
  parse(argv: readonly string[]): T {
    const errors: ConfigError[] = [];
    const cli = tokenizeArgv(argv, this.boolNames, this.names);
    const flagfiles = (cli.flags.get(FLAGFILE) ?? []).filter((path): path is string => {
      if (path === true || path === '') errors.push(new ConfigError(FLAGFILE, path, 'needs a path: --flagfile=<path>'));
      return path !== true && path !== '';
    });

    // Flags from the files first, in order, then the command line: the last occurrence wins,
    // so the command line overrides any file wherever --flagfile appears in it.
    const raw = new Map<string, RawFlagValue>();
    const positionals = [...cli.positionals];
    for (const path of flagfiles) {
      const file = readFlagfile(path);
      errors.push(...file.errors);
      const fromFile = tokenizeArgv(file.args, this.boolNames, this.names);
      positionals.push(...fromFile.positionals);
      for (const [name, values] of fromFile.flags) setLast(raw, name, values);
    }
    for (const [name, values] of cli.flags) if (name !== FLAGFILE) setLast(raw, name, values);

    for (const word of positionals) {
      errors.push(new ConfigError('(positional)', word, `${this.daemon} takes no positional arguments, only --name=value flags`));
    }

    const values: Record<string, number | boolean | string> = {};
    const invalid = new Set<string>();
    for (const [name, value] of raw) {
      if (this.names.has(name)) continue;
      const suggestion = closestFlagName(name, this.names);
      invalid.add(name);
      errors.push(
        new ConfigError(name, value, `unknown flag for ${this.daemon}${suggestion ? `; did you mean --${suggestion}?` : ''} (--help lists them all)`),
      );
    }
    for (const name of this.names) {
      const spec = this.specs[name as keyof T];
      if (name === FLAGFILE) {
        values[name] = flagfiles.join(',');
        continue;
      }
      const given = raw.get(name);
      if (given === undefined) {
        values[name] = spec.default;
        continue;
      }
      const coerced = coerceFlagValue(name, spec, given);
      if (coerced.ok) {
        values[name] = coerced.value;
      } else {
        invalid.add(name);
        errors.push(coerced.error);
      }
    }

    const typed = values as T;
    for (const rule of this.checks) {
      if (rule.reads.some((name) => invalid.has(name))) continue;
      const error = rule.check(typed);
      if (error !== undefined) errors.push(error);
    }
    if (errors.length > 0) throw new ConfigErrors(errors);
    return typed;
  }

  /** Every flag with its type, default and range or choices, grouped; for `--help`. */
  help(): string {
    return renderHelp(this.daemon, this.groups);
  }
}

function setLast(into: Map<string, RawFlagValue>, name: string, values: readonly RawFlagValue[]): void {
  const last = values[values.length - 1];
  if (last !== undefined) into.set(name, last);
}
