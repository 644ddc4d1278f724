/**
 * The shape of one row of the flag table. A flag is spelled exactly as Impala spells it
 * (snake_case, gflags), and its parsed value is a plain number, boolean or string.
 */

interface FlagSpecBase {
  /** What the flag controls, its unit, and where Impala defines it when it is Impala's. */
  readonly help: string;
}

// `validate` on a spec is an extra rule on the already typed value: it returns the broken rule,
// or undefined when the value is fine. For what a range cannot say (the debug_actions grammar).

export interface IntFlagSpec extends FlagSpecBase {
  readonly type: 'int';
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  readonly validate?: (value: number) => string | undefined;
}

export interface DoubleFlagSpec extends FlagSpecBase {
  readonly type: 'double';
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  readonly validate?: (value: number) => string | undefined;
}

export interface BoolFlagSpec extends FlagSpecBase {
  readonly type: 'bool';
  readonly default: boolean;
}

/** `C` narrows the parsed type when the flag has choices (log_level is a LogLevel, not a string). */
export interface StringFlagSpec<C extends string = string> extends FlagSpecBase {
  readonly type: 'string';
  readonly default: C;
  readonly choices?: readonly C[];
  readonly validate?: (value: string) => string | undefined;
}

export type FlagSpec = IntFlagSpec | DoubleFlagSpec | BoolFlagSpec | StringFlagSpec;

/** A table of flags keyed by their exact Impala name. */
export type FlagSpecs = { readonly [name: string]: FlagSpec };

/** The parsed values of a table: `{ statestore_heartbeat_frequency_ms: number, ... }`. */
export type FlagValues<S extends FlagSpecs> = {
  readonly [K in keyof S]: S[K] extends BoolFlagSpec ? boolean : S[K] extends StringFlagSpec<infer C> ? C : number;
};

/** A titled slice of the table; help() prints one section per group. */
export interface FlagGroup {
  readonly title: string;
  readonly specs: FlagSpecs;
}

/**
 * Node's timers take a signed 32-bit delay and fire after 1 ms when given more (with only a
 * TimeoutOverflowWarning), so no interval we hand to setTimeout may exceed this.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Ports every daemon listens on or dials. */
export function portFlag(defaultPort: number, help: string): IntFlagSpec {
  return { type: 'int', default: defaultPort, min: 1, max: 65535, help };
}

/** A period or timeout in milliseconds that ends up in a timer: at least 1, at most a timer's range. */
export function millisFlag(defaultMs: number, help: string, min = 1): IntFlagSpec {
  return { type: 'int', default: defaultMs, min, max: MAX_TIMER_MS, help };
}

/** A timeout in whole seconds (Impala's *_seconds flags are int32); converted to ms for timers. */
export function secondsFlag(defaultSeconds: number, help: string): IntFlagSpec {
  return { type: 'int', default: defaultSeconds, min: 1, max: Math.floor(MAX_TIMER_MS / 1000), help };
}

/** A count where 0 makes no sense; callers say why when Impala's help claims otherwise. */
export function countFlag(defaultCount: number, help: string, max = 2_147_483_647): IntFlagSpec {
  return { type: 'int', default: defaultCount, min: 1, max, help };
}

export function boolFlag(defaultValue: boolean, help: string): BoolFlagSpec {
  return { type: 'bool', default: defaultValue, help };
}

export function stringFlag(defaultValue: string, help: string, extra?: Pick<StringFlagSpec, 'validate'>): StringFlagSpec {
  return { type: 'string', default: defaultValue, help, ...extra };
}

/** A string flag limited to a closed set; its parsed type is that set. */
export function choiceFlag<C extends string>(defaultValue: NoInfer<C>, choices: readonly C[], help: string): StringFlagSpec<C> {
  return { type: 'string', default: defaultValue, choices, help };
}
