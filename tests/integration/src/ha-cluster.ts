import { credentials, Metadata } from '@grpc/grpc-js';
import type { Cluster, DaemonProcess } from '@statestore-ha/cluster';
import { CURRENT_PROTOCOL_VERSION, StatestoreServiceClient } from '@statestore-ha/proto';
import { metricValue } from './metric-value';
import { eventually, startTestCluster } from './test-cluster';

/**
 * Impala's HA test settings (test_statestored_ha.py): address priority so statestored-1 wins,
 * 2 s peer and subscriber timeouts, fast monitoring; plus a short startup handshake.
 */
export const HA_STATESTORED = {
  use_network_address_as_statestore_priority: true,
  statestore_ha_heartbeat_monitoring_frequency_ms: 100,
  statestore_peer_timeout_seconds: 2,
  statestore_ha_preemption_wait_period_ms: 1000,
  update_statestore_rpc_resend_interval_ms: 100,
  debug_actions: 'DISABLE_STATESTORE_NETWORK',
};
export const HA_SUBSCRIBER = { statestore_subscriber_timeout_seconds: 2 };

export function startHaCluster(
  extra: { statestored?: Record<string, string | number | boolean>; executors?: number } = {},
  adjust?: Parameters<typeof startTestCluster>[1],
): Promise<Cluster> {
  return startTestCluster(
    {
      ha: true,
      executors: extra.executors ?? 2,
      statestored: { ...HA_STATESTORED, ...extra.statestored },
      subscriber: HA_SUBSCRIBER,
    },
    adjust,
  );
}

export async function isActive(ss: DaemonProcess): Promise<boolean> {
  return metricValue(await ss.getText('/metrics'), 'statestore_is_active') === 1;
}

export async function inRecovery(ss: DaemonProcess): Promise<boolean> {
  return metricValue(await ss.getText('/metrics'), 'statestore_ha_recovery_mode') === 1;
}

export async function followed(d: DaemonProcess): Promise<number | undefined> {
  return (await d.getJson<{ statestore: { active?: number } }>('/status')).statestore.active;
}

/** Waits until statestored `index` (1|2) is the only active one and every subscriber follows it. */
export async function waitForActive(cluster: Cluster, index: 1 | 2, timeoutMs = 20_000): Promise<void> {
  const [ss1, ss2] = [cluster.get('statestored-1'), cluster.get('statestored-2')];
  const want = index === 1 ? ss1 : ss2;
  const other = index === 1 ? ss2 : ss1;
  await eventually(`statestored-${index} active`, async () => ((await isActive(want)) ? true : undefined), timeoutMs);
  await eventually(`statestored-${index === 1 ? 2 : 1} not active`, async () => (!other.running || !(await isActive(other)) ? true : undefined), timeoutMs);
  for (const d of cluster.daemons.filter((x) => x.spec.app !== 'statestored' && x.running)) {
    await eventually(`${d.name} to follow statestored-${index}`, async () => ((await followed(d)) === index ? true : undefined), timeoutMs);
  }
}

/** Impala's SetStatestoreDebugAction(disable_network), allowed by --debug_actions=DISABLE_STATESTORE_NETWORK. */
export async function setNetworkDisabled(ss: DaemonProcess, disabled: boolean): Promise<void> {
  const client = new StatestoreServiceClient(`127.0.0.1:${ss.spec.flags['state_store_port']}`, credentials.createInsecure());
  try {
    await new Promise<void>((resolve, reject) =>
      client.setStatestoreDebugAction({ protocolVersion: CURRENT_PROTOCOL_VERSION, disableNetwork: disabled }, new Metadata(), { deadline: Date.now() + 3000 }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  } finally {
    client.close();
  }
}
