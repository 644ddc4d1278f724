import parser from 'yargs-parser';
import { failoverBench } from './failover-bench';
import { propagationBench } from './propagation-bench';
import { scaleBench } from './scale-bench';
import { scaleGenerator } from './scale-generator';

const USAGE = `usage: bench propagation [--rounds=20] [--update_frequency_ms=2000] [--gap_ms=2500]
       bench failover [--rounds=20] [--peer_timeout_seconds=2] [--monitoring_ms=100] [--executors=2]
       bench scale [--subscribers=1000,2000,5000,10000] [--duration-s=30] [--generators=2] [--channels=32]
                   [--start-per-s=2000] [--rounds=3] [--samples=500] [--coordinator-every=20]`;

async function main(): Promise<void> {
  const a = parser(process.argv.slice(2), { configuration: { 'camel-case-expansion': false } });
  const num = (k: string, d: number): number => {
    const v = a[k] === undefined ? d : Number(a[k]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k}=${String(a[k])}: must be a positive number`);
    return v;
  };
  switch (a._[0]) {
    case 'propagation':
      return propagationBench({ rounds: num('rounds', 20), updateFrequencyMs: num('update_frequency_ms', 2000), gapMs: a['gap_ms'] === undefined ? 2500 : Number(a['gap_ms']) });
    case 'failover':
      return failoverBench({ rounds: num('rounds', 20), peerTimeoutSeconds: num('peer_timeout_seconds', 2), monitoringMs: num('monitoring_ms', 100), executors: num('executors', 2) });
    case 'scale':
      return scaleBench({
        subscribers: String(a['subscribers'] ?? '1000,2000,5000,10000')
          .split(',')
          .map((x) => {
            const v = Number(x.trim());
            if (!Number.isInteger(v) || v <= 0) throw new Error(`--subscribers=${String(a['subscribers'])}: a comma-separated list of positive integers`);
            return v;
          }),
        durationS: num('duration-s', 30),
        generators: num('generators', 2),
        channelsPerGenerator: num('channels', 32),
        startPerSecond: a['start-per-s'] === undefined ? 2000 : Number(a['start-per-s']),
        rounds: num('rounds', 3),
        samplesTarget: num('samples', 500),
        coordinatorEvery: num('coordinator-every', 20),
      });
    case 'scale-generator':
      return scaleGenerator();
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
