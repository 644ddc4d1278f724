/** A flag value as a command line carries it. */
export type FlagValue = string | number | boolean;

/** Impala's gflags form: --name=value, booleans as --name=true|false. */
export function flagArgs(flags: Readonly<Record<string, FlagValue>>): string[] {
  return Object.entries(flags).map(([k, v]) => `--${k}=${String(v)}`);
}
