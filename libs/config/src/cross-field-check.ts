import { ConfigError } from './config-error';

/**
 * A rule across flags (hashicorp/raft ValidateConfig style). `reads` lists every flag the rule
 * looks at: when one of them is itself invalid the rule is skipped, since its verdict would be
 * about a value we already rejected.
 */
export interface CrossFieldCheck<T> {
  readonly reads: readonly (keyof T & string)[];
  readonly check: (flags: T) => ConfigError | undefined;
}

/**
 * One process cannot listen twice on a port: names the later flag that collides with an earlier
 * one. Flags whose value is 0 or absent (a listener turned off) are ignored.
 */
export function distinctPorts<T>(flagNames: readonly (keyof T & string)[], when: (flags: T) => boolean = () => true): CrossFieldCheck<T> {
  return {
    reads: flagNames,
    check: (flags) => {
      if (!when(flags)) return undefined;
      const seen = new Map<number, string>();
      for (const name of flagNames) {
        const port = flags[name];
        if (typeof port !== 'number' || port === 0) continue;
        const earlier = seen.get(port);
        if (earlier !== undefined) {
          return new ConfigError(name, port, `collides with --${earlier}=${port}: this daemon listens on both`);
        }
        seen.set(port, name);
      }
      return undefined;
    },
  };
}

// Names that all mean "this machine's loopback", so localhost:24000 and 127.0.0.1:24000 are the
// same endpoint when we check that two addresses differ.
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '::1', '[::1]', 'ip6-localhost']);

/** host:port as an endpoint key, with every loopback spelling folded together. */
export function endpointKey(host: string, port: number, localHostname?: string): string {
  const lower = host.trim().toLowerCase();
  const local = LOOPBACK_NAMES.has(lower) || (localHostname !== undefined && lower === localHostname.toLowerCase());
  return `${local ? 'loopback' : lower}:${port}`;
}
