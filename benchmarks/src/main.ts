import parser from 'yargs-parser';
import { failoverBench } from './failover-bench';
import { propagationBench } from './propagation-bench';

const USAGE = `usage: bench propagation [--rounds=20] [--update_frequency_ms=2000] [--gap_ms=2500]
       bench failover [--rounds=20] [--peer_timeout_seconds=2] [--monitoring_ms=100] [--executors=2]`;

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
