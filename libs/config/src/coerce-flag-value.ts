import { ConfigError } from './config-error';
import type { FlagSpec } from './flag-spec';

/** What the tokenizer hands over for one flag: its text, or `true` for a bare `--name`. */
export type RawFlagValue = string | true;

export type Coerced = { readonly ok: true; readonly value: number | boolean | string } | { readonly ok: false; readonly error: ConfigError };

// gflags' FlagValue::ParseFrom accepts these spellings for a bool (case-insensitive); Impala
// operators' scripts use several of them, so we take them all.
const TRUE_WORDS: ReadonlySet<string> = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['false', 'f', 'no', 'n', '0']);
const BOOL_RULE = 'must be a boolean: true|false (also 1|0, yes|no, t|f, y|n; or --name / --noname)';

const INT_PATTERN = /^[+-]?\d+$/;
// A decimal number as strtod reads it, minus hex, inf and nan: none is a sensible flag value.
const DOUBLE_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Turns one raw token value into the flag's type and checks its range, choices and rule. */
export function coerceFlagValue(name: string, spec: FlagSpec, raw: RawFlagValue): Coerced {
  const fail = (rule: string): Coerced => ({ ok: false, error: new ConfigError(name, raw, rule) });
  switch (spec.type) {
    case 'bool': {
      if (raw === true) return { ok: true, value: true };
      const word = raw.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return fail(BOOL_RULE);
    }
    case 'int':
    case 'double': {
      const kind = spec.type === 'int' ? 'an integer' : 'a number';
      const range = rangeText(spec.min, spec.max);
      if (raw === true) return fail(`needs a value: --${name}=<${spec.type}>${range ? ` in ${range}` : ''}`);
      const text = raw.trim();
      const pattern = spec.type === 'int' ? INT_PATTERN : DOUBLE_PATTERN;
      const value = Number(text);
      if (!pattern.test(text) || !Number.isFinite(value) || (spec.type === 'int' && !Number.isSafeInteger(value))) {
        return fail(`must be ${kind}${range ? ` in ${range}` : ''}`);
      }
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        return fail(`must be ${kind} in ${range}`);
      }
      const broken = spec.validate?.(value);
      return broken === undefined ? { ok: true, value } : fail(broken);
    }
    case 'string': {
      if (raw === true) return fail(`needs a value: --${name}=<string> (use --${name}= for an empty one)`);
      if (spec.choices !== undefined && !spec.choices.includes(raw)) {
        return fail(`must be one of ${spec.choices.join('|')}`);
      }
      const broken = spec.validate?.(raw);
      return broken === undefined ? { ok: true, value: raw } : fail(broken);
    }
  }
}

/** `[1, 65535]`, `>= 1`, `<= 10`, or '' when unbounded; used by errors and by help(). */
export function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `[${min}, ${max}]`;
  if (min !== undefined) return `>= ${min}`;
  if (max !== undefined) return `<= ${max}`;
  return '';
}
