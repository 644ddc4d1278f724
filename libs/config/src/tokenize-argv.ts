import yargsParser from 'yargs-parser';
import type { RawFlagValue } from './coerce-flag-value';

/** Flags as given, before any typing: every occurrence of each name in order, plus stray words. */
export interface ArgvTokens {
  readonly flags: ReadonlyMap<string, readonly RawFlagValue[]>;
  readonly positionals: readonly string[];
}

// yargs-parser does the tokenizing only. Everything that would reinterpret a gflags name or value
// is off: snake_case names stay as written (no camel-case copies, no dot objects), values stay
// strings ("0010" must not become 10 before we check it), and repeated flags are all kept so that
// we, not yargs, decide who wins (gflags: the last one).
const TOKENIZER_OPTIONS: yargsParser.Options = {
  configuration: {
    'camel-case-expansion': false,
    'dot-notation': false,
    'parse-numbers': false,
    'parse-positional-numbers': false,
    // yargs' negation is `--no-name`; gflags' is `--noname`, handled below.
    'boolean-negation': false,
    // gflags takes `-name=value` as well as `--name=value`; never split `-abc` into -a -b -c.
    'short-option-groups': false,
    'duplicate-arguments-array': true,
    'flatten-duplicate-arrays': true,
    'greedy-arrays': false,
  },
};

/**
 * Splits a gflags-style command line. `--name` alone yields `true`; `--name value` takes the next
 * word. `--noname` becomes `--name=false` when `name` is a bool flag, as gflags does.
 */
export function tokenizeArgv(argv: readonly string[], boolFlags: ReadonlySet<string>, knownFlags: ReadonlySet<string>): ArgvTokens {
  const rewritten = argv.map((arg) => rewriteNegation(arg, boolFlags, knownFlags));
  const parsed = yargsParser(rewritten, TOKENIZER_OPTIONS);
  const flags = new Map<string, RawFlagValue[]>();
  for (const [name, value] of Object.entries(parsed)) {
    if (name === '_' || name === '--') continue;
    const values = (Array.isArray(value) ? value : [value]) as unknown[];
    flags.set(name, values.map(toRaw));
  }
  return { flags, positionals: parsed._.map(String) };
}

function rewriteNegation(arg: string, boolFlags: ReadonlySet<string>, knownFlags: ReadonlySet<string>): string {
  const match = /^--?no([A-Za-z0-9_]+)$/.exec(arg);
  const name = match?.[1];
  if (name === undefined || knownFlags.has(`no${name}`) || !boolFlags.has(name)) return arg;
  return `--${name}=false`;
}

function toRaw(value: unknown): RawFlagValue {
  // With parse-numbers off yargs yields only strings and `true` for a bare flag; a boolean false
  // could only come from negation, which is off.
  return value === true ? true : String(value);
}
