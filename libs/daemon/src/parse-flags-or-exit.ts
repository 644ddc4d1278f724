import { ConfigErrors, type FlagSet } from '@statestore-ha/config';

/**
 * A daemon's command line: `--help` prints every flag and exits 0; bad flags print every problem
 * (each naming the flag, the value and the rule) and exit 2, the usual code for usage errors.
 */
export function parseFlagsOrExit<T>(flags: FlagSet<T>, argv: readonly string[]): T {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${flags.help()}\n`);
    process.exit(0);
  }
  try {
    return flags.parse(argv);
  } catch (err) {
    if (!(err instanceof ConfigErrors)) throw err;
    for (const e of err.errors) process.stderr.write(`${flags.daemon}: ${e.message}\n`);
    process.stderr.write(`${flags.daemon}: see --help for every flag, its default and range\n`);
    process.exit(2);
  }
}
