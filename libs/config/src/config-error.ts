/**
 * One bad flag: which flag, the value given, and the rule it broke (with the allowed range or
 * values), so an operator can fix a command line without reading the source. hashicorp/raft's
 * ValidateConfig sometimes omits the value or the limit ("HeartbeatTimeout is too low"); we never do.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly flag: string,
    readonly value: unknown,
    readonly rule: string,
    options?: { cause?: unknown },
  ) {
    super(`--${flag}=${String(value)}: ${rule}`, options);
  }
}

/**
 * Every problem found in one parse, thrown together: fixing one flag per restart is how
 * operators lose an afternoon (STYLE.md §4).
 */
export class ConfigErrors extends Error {
  override readonly name = 'ConfigErrors';

  constructor(readonly errors: readonly ConfigError[]) {
    super(
      `${errors.length} invalid flag${errors.length === 1 ? '' : 's'}:\n` +
        errors.map((e) => `  ${e.message}`).join('\n'),
    );
  }
}
