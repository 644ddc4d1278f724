/**
 * The chaos CLI's flags (yargs-parser), with defaults that keep `nx run chaos:partition` within
 * a CI budget:
 *   --suite=partition|crash|nemesis   --runtime=process|containers   --faults=toxiproxy|netns|both
 *   --executors=2 --coordinators=1 --catalogds=1|2
 *   --heartbeat-ms=100 --max-missed-heartbeats=5 --subscriber-timeout-s=2 --peer-timeout-s=2
 *   --monitoring-ms=100 --preemption-wait-ms=1000 --cnxn-retry-ms=300
 *   --duration-s=60 (nemesis) --seed=<n> --only=<id,id> --scrape-interval-ms=250
 *   --unsafe-skip-majority-check (test-only bug switch) --reports-dir=chaos/reports --dist=dist
 */
import * as path from 'node:path';
import yargsParser from 'yargs-parser';
import { DEFAULT_SHAPE, DEFAULT_TIMING } from '../cluster';
import type { FaultKind, RuntimeKind } from '../cluster';
import type { SuiteName } from '../scenarios';
import type { SuiteOptions } from '../suites';

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  constructor(readonly flag: string, readonly value: unknown, readonly rule: string) {
    super(`--${flag}=${String(value)}: ${rule}`);
  }
}

function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CliUsageError(flag, value, `must be one of ${allowed.join(', ')}`);
}

function positive(flag: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new CliUsageError(flag, value, 'must be a number > 0');
  return value;
}

export const CLI_USAGE = `usage: node dist/chaos/cli/main.js [options]   (npx nx run chaos:partition|crash|nemesis -- [options])
  --suite=partition|crash|nemesis       which suite (default partition)
  --runtime=process|containers          daemons as child processes, or containers through testcontainers
  --faults=toxiproxy|netns|both         link fault kinds to run every scenario with (default both)
  --only=<id,id>                        run only these scenarios
  --executors=2 --coordinators=1 --catalogds=1|2
  --heartbeat-ms=100 --max-missed-heartbeats=5 --subscriber-timeout-s=2 --peer-timeout-s=2
  --monitoring-ms=100 --preemption-wait-ms=1000 --cnxn-retry-ms=300
  --duration-s=60                       nemesis run length
  --seed=<n>                            replay a run (printed at its start)
  --scrape-interval-ms=250              Prometheus scrape interval
  --unsafe-skip-majority-check          test-only bug switch: takeover without the majority check
                                        (--debug_actions=STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK)
  --reports-dir=chaos/reports --dist=dist
  --help                                this text
environment (chaos/README.md):
  TOXIPROXY_URL=http://host:8474        use the toxiproxy there
  TOXIPROXY_SERVER_BIN=<path>           Shopify's toxiproxy-server to start (default: toxiproxy-server on PATH;
                                        our stand-in only when there is none)
  CHAOS_TOXIPROXY_IMAGE, CHAOS_PROMETHEUS_IMAGE, CHAOS_BASE_IMAGE   images of --runtime=containers`;

/** `--help`: not an error, but no run either. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
  constructor() {
    super(CLI_USAGE);
  }
}

const STRING_FLAGS = ['suite', 'runtime', 'faults', 'only', 'reports-dir', 'dist'];
const NUMBER_FLAGS = ['executors', 'coordinators', 'catalogds', 'heartbeat-ms', 'max-missed-heartbeats', 'subscriber-timeout-s', 'peer-timeout-s', 'monitoring-ms', 'preemption-wait-ms', 'cnxn-retry-ms', 'duration-s', 'seed', 'scrape-interval-ms'];
const BOOLEAN_FLAGS = ['unsafe-skip-majority-check', 'help'];

export interface CliOptions {
  readonly suite: Omit<SuiteOptions, 'log' | 'workDir' | 'toxiproxyMainJs' | 'repoRoot'>;
  readonly reportsDir: string;
}

export function parseCliOptions(argv: readonly string[], repoRoot: string): CliOptions {
  const a = yargsParser([...argv], {
    string: STRING_FLAGS,
    number: NUMBER_FLAGS,
    boolean: BOOLEAN_FLAGS,
    alias: { help: ['h'] },
    // The nx targets put defaults first; a flag given again on the command line wins.
    configuration: { 'camel-case-expansion': false, 'duplicate-arguments-array': false },
  });
  if (a['help'] === true) throw new HelpRequested();
  // A misspelt flag would otherwise run a whole suite with the default it meant to change.
  const known = new Set(['_', 'h', ...STRING_FLAGS, ...NUMBER_FLAGS, ...BOOLEAN_FLAGS]);
  for (const flag of Object.keys(a)) if (!known.has(flag)) throw new CliUsageError(flag, a[flag], 'unknown flag (see --help)');
  if (a._.length > 0) throw new CliUsageError('', a._.join(' '), 'unexpected argument: flags take the form --name=value (see --help)');
  const suite = oneOf<SuiteName>('suite', a['suite'] ?? 'partition', ['partition', 'crash', 'nemesis']);
  const runtime = oneOf<RuntimeKind>('runtime', a['runtime'] ?? 'process', ['process', 'containers']);
  const faults = oneOf('faults', a['faults'] ?? 'both', ['toxiproxy', 'netns', 'both'] as const);
  const faultKinds: FaultKind[] = faults === 'both' ? ['toxiproxy', 'netns'] : [faults];
  const catalogds = positive('catalogds', a['catalogds'], DEFAULT_SHAPE.catalogds);
  if (catalogds !== 1 && catalogds !== 2) throw new CliUsageError('catalogds', catalogds, 'must be 1 or 2');
  const seed = a['seed'] === undefined ? Date.now() % 1_000_000 : Number(a['seed']);
  if (!Number.isInteger(seed)) throw new CliUsageError('seed', a['seed'], 'must be an integer');
  const unsafe = a['unsafe-skip-majority-check'] === true;
  return {
    suite: {
      suite,
      runtime,
      faultKinds,
      shape: {
        coordinators: positive('coordinators', a['coordinators'], DEFAULT_SHAPE.coordinators),
        executors: positive('executors', a['executors'], DEFAULT_SHAPE.executors),
        catalogds,
        catalogdHa: catalogds === 2,
      },
      timing: {
        ...DEFAULT_TIMING,
        heartbeatMs: positive('heartbeat-ms', a['heartbeat-ms'], DEFAULT_TIMING.heartbeatMs),
        maxMissedHeartbeats: positive('max-missed-heartbeats', a['max-missed-heartbeats'], DEFAULT_TIMING.maxMissedHeartbeats),
        subscriberTimeoutS: positive('subscriber-timeout-s', a['subscriber-timeout-s'], DEFAULT_TIMING.subscriberTimeoutS),
        peerTimeoutS: positive('peer-timeout-s', a['peer-timeout-s'], DEFAULT_TIMING.peerTimeoutS),
        monitoringMs: positive('monitoring-ms', a['monitoring-ms'], DEFAULT_TIMING.monitoringMs),
        preemptionWaitMs: positive('preemption-wait-ms', a['preemption-wait-ms'], DEFAULT_TIMING.preemptionWaitMs),
        cnxnRetryMs: positive('cnxn-retry-ms', a['cnxn-retry-ms'], DEFAULT_TIMING.cnxnRetryMs),
      },
      durationS: positive('duration-s', a['duration-s'], 60),
      seed,
      only: typeof a['only'] === 'string' && a['only'] !== '' ? a['only'].split(',') : [],
      statestoredFlags: unsafe ? { debug_actions: 'STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK' } : {},
      scrapeIntervalMs: positive('scrape-interval-ms', a['scrape-interval-ms'], 250),
      distDir: path.resolve(repoRoot, typeof a['dist'] === 'string' ? a['dist'] : 'dist'),
    },
    reportsDir: path.resolve(repoRoot, typeof a['reports-dir'] === 'string' ? a['reports-dir'] : 'chaos/reports'),
  };
}
