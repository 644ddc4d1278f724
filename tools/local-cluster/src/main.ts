import { join, resolve } from 'node:path';
import parser from 'yargs-parser';
import { Cluster, clusterLayout, impalaDefaultPorts } from '@statestore-ha/cluster';
import { clusterTable } from './cluster-table';

const USAGE = `usage: local-cluster [--ha=true|false] [--executors=N] [--refresh_ms=N]
Starts statestored(s), catalogd, one coordinator and N executors as processes on 127.0.0.1
with Impala's ports, prints their state every refresh_ms, and stops them all on Ctrl-C.`;

async function main(): Promise<void> {
  const args = parser(process.argv.slice(2), {
    boolean: ['ha', 'help'],
    number: ['executors', 'refresh_ms'],
    default: { ha: true, executors: 2, refresh_ms: 2000 },
    configuration: { 'camel-case-expansion': false, 'strip-dashed': true },
  });
  if (args['help']) return void process.stdout.write(`${USAGE}\n`);
  const known = new Set(['_', 'ha', 'help', 'executors', 'refresh_ms']);
  const unknown = Object.keys(args).filter((k) => !known.has(k));
  const executors = Number(args['executors']);
  if (unknown.length > 0 || !Number.isInteger(executors) || executors < 0 || executors > 20) {
    process.stderr.write(`local-cluster: ${unknown.length ? `unknown flag --${unknown[0]}` : `--executors=${args['executors']}: must be an integer in [0, 20]`}\n${USAGE}\n`);
    process.exit(2);
  }
  const ha = Boolean(args['ha']);
  const root = resolve(__dirname, '..', '..', '..');
  const logDir = join(root, 'tmp', 'local-cluster');
  const specs = clusterLayout({
    ha,
    executors,
    ports: impalaDefaultPorts(1 + executors, 1),
    // Shorter than Impala's 10 s so the cluster is up within seconds.
    statestored: ha ? { statestore_ha_preemption_wait_period_ms: 2000 } : {},
  });
  const cluster = new Cluster(specs, { distDir: join(root, 'dist'), logDir });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping the cluster...\n');
    await cluster.stop();
    process.stdout.write(`stopped; logs are in ${logDir}\n`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  process.stdout.write(`starting ${specs.length} daemons (${ha ? 'statestored HA pair' : 'one statestored'}); logs in ${logDir}\n`);
  try {
    await cluster.start();
  } catch (err) {
    process.stderr.write(`local-cluster: ${err instanceof Error ? err.message : String(err)}\n`);
    await cluster.stop();
    process.exit(1);
  }
  process.stdout.write('cluster is up; Ctrl-C stops it\n');
  for (;;) {
    if (stopping) return;
    process.stdout.write(`\n${new Date().toISOString()}\n${await clusterTable(cluster.daemons)}\n`);
    await new Promise((r) => setTimeout(r, Number(args['refresh_ms'])));
  }
}

void main();
