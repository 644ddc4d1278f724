import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Cluster, clusterLayout, freePorts, portsFrom, portsNeeded, type ClusterPorts, type DaemonSpec, type LayoutOptions } from '@statestore-ha/cluster';

export const DIST = resolve(__dirname, '..', '..', '..', 'dist');

/** Short intervals so failure detection takes well under a second (every one is a flag). */
export const FAST_STATESTORED = {
  statestore_heartbeat_frequency_ms: 100,
  statestore_max_missed_heartbeats: 5,
  statestore_priority_update_frequency_ms: 50,
  statestore_update_frequency_ms: 200,
  log_level: 'debug',
};
export const FAST_SUBSCRIBER = {
  statestore_subscriber_timeout_seconds: 2,
  statestore_subscriber_cnxn_retry_interval_ms: 300,
  statestore_subscriber_recovery_grace_period_ms: 0,
  log_level: 'debug',
};

/** `adjust` may change the daemons' specs before they start (e.g. route a link through a proxy). */
export async function startTestCluster(o: Omit<LayoutOptions, 'ports'>, adjust?: (specs: DaemonSpec[], ports: ClusterPorts) => void): Promise<Cluster> {
  const impalads = (o.coordinators ?? 1) + o.executors;
  const catalogds = o.catalogds ?? 1;
  const ports = portsFrom(await freePorts(portsNeeded(impalads, catalogds)), impalads, catalogds);
  const logDir = mkdtempSync(join(tmpdir(), 'ss-it-'));
  const specs = clusterLayout({ ...o, ports, statestored: { ...FAST_STATESTORED, ...o.statestored }, subscriber: { ...FAST_SUBSCRIBER, ...o.subscriber } });
  adjust?.(specs, ports);
  const cluster = new Cluster(specs, { distDir: DIST, logDir });
  try {
    await cluster.start();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** Polls `probe` until it returns a value other than undefined, or fails naming `what`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
