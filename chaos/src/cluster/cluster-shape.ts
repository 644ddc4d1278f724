/**
 * What a chaos run starts: the HA pair, catalogd(s), one coordinator and executors, with the
 * timing flags under test. Flag names are Impala's (be/src/statestore/statestore.cc,
 * statestore-subscriber.cc); defaults are the short values of Impala's own HA tests
 * (tests/custom_cluster/test_statestored_ha.py: 2 s peer and subscriber timeouts).
 */
import { clusterLayout, freePorts, portsFrom, portsNeeded } from '@statestore-ha/cluster';
import type { DaemonSpec, FlagValue } from '@statestore-ha/cluster';

export interface TimingFlags {
  /** statestore_heartbeat_frequency_ms: statestored -> subscriber heartbeats. */
  readonly heartbeatMs: number;
  /** statestore_max_missed_heartbeats: misses before a statestored drops a subscriber. */
  readonly maxMissedHeartbeats: number;
  /** statestore_subscriber_timeout_seconds: a subscriber's link is FAILED after this silence. */
  readonly subscriberTimeoutS: number;
  /** statestore_peer_timeout_seconds: the standby's detector on the active's HA heartbeats. */
  readonly peerTimeoutS: number;
  /** statestore_ha_heartbeat_monitoring_frequency_ms: HA heartbeat and takeover-check period. */
  readonly monitoringMs: number;
  /** statestore_ha_preemption_wait_period_ms: startup handshake wait (retry = wait / attempts). */
  readonly preemptionWaitMs: number;
  /** statestore_subscriber_cnxn_retry_interval_ms: re-registration pause. */
  readonly cnxnRetryMs: number;
  /** update_statestore_rpc_resend_interval_ms: role notification resends. */
  readonly resendMs: number;
  /** statestore_update_frequency_ms: topic updates, also the step-down path of a stale active. */
  readonly updateMs: number;
}

export const DEFAULT_TIMING: TimingFlags = {
  heartbeatMs: 100,
  maxMissedHeartbeats: 5,
  subscriberTimeoutS: 2,
  peerTimeoutS: 2,
  monitoringMs: 100,
  preemptionWaitMs: 1000,
  cnxnRetryMs: 300,
  resendMs: 100,
  updateMs: 200,
};

export interface ClusterShape {
  readonly coordinators: number;
  readonly executors: number;
  readonly catalogds: 1 | 2;
  /** --enable_catalogd_ha on the statestoreds and catalogds (Impala IMPALA-12155). */
  readonly catalogdHa: boolean;
}

/** 1 catalogd + 1 coordinator + 2 executors = 4 subscribers: a majority is 3, half is 2. */
export const DEFAULT_SHAPE: ClusterShape = { coordinators: 1, executors: 2, catalogds: 1, catalogdHa: false };

export const STATESTORED_NAMES = ['statestored-1', 'statestored-2'] as const;
export type StatestoredName = (typeof STATESTORED_NAMES)[number];

export function isStatestored(name: string): name is StatestoredName {
  return (STATESTORED_NAMES as readonly string[]).includes(name);
}

/** The statestore index (1|2) subscribers use in /status and metrics labels. */
export function statestoreIndex(name: StatestoredName): 1 | 2 {
  return name === 'statestored-1' ? 1 : 2;
}

export function statestoredByIndex(index: number): StatestoredName | undefined {
  return index === 1 ? 'statestored-1' : index === 2 ? 'statestored-2' : undefined;
}

export function statestoredFlags(t: TimingFlags, extra: Readonly<Record<string, FlagValue>> = {}): Record<string, FlagValue> {
  return {
    // statestored-1 wins the startup handshake (lower host:port), as in Impala's HA tests.
    use_network_address_as_statestore_priority: true,
    statestore_heartbeat_frequency_ms: t.heartbeatMs,
    statestore_max_missed_heartbeats: t.maxMissedHeartbeats,
    statestore_peer_timeout_seconds: t.peerTimeoutS,
    statestore_ha_heartbeat_monitoring_frequency_ms: t.monitoringMs,
    statestore_ha_preemption_wait_period_ms: t.preemptionWaitMs,
    update_statestore_rpc_resend_interval_ms: t.resendMs,
    statestore_update_frequency_ms: t.updateMs,
    statestore_priority_update_frequency_ms: Math.max(50, Math.round(t.updateMs / 4)),
    // Impala's ratio: a heartbeat's deadline plus a period stays well under the subscribers'
    // timeout (3 + 1 s against 30 s), so a subscriber whose answers are lost still hears a
    // heartbeat before its detector gives the statestored up. With the 2 s subscriber timeout of
    // Impala's HA tests, the deadline must be the least one (1 s) to keep that ratio.
    statestore_heartbeat_tcp_timeout_seconds: 1,
    // Likewise the deadlines of role and catalogd notifications: one lost in a cut link is sent
    // again a second later, not three (Impala's default), which the convergence bound counts.
    statestore_update_statestore_tcp_timeout_seconds: 1,
    statestore_update_catalogd_tcp_timeout_seconds: 1,
    ...extra,
  };
}

export function subscriberFlags(t: TimingFlags): Record<string, FlagValue> {
  return {
    statestore_subscriber_timeout_seconds: t.subscriberTimeoutS,
    statestore_subscriber_cnxn_retry_interval_ms: t.cnxnRetryMs,
    statestore_subscriber_recovery_grace_period_ms: 0,
  };
}

/** Daemon specs on free loopback ports; fault injectors then re-route them (route()). */
export async function planCluster(shape: ClusterShape, timing: TimingFlags, statestoredExtra: Readonly<Record<string, FlagValue>> = {}): Promise<DaemonSpec[]> {
  const impalads = shape.coordinators + shape.executors;
  const ports = portsFrom(await freePorts(portsNeeded(impalads, shape.catalogds)), impalads, shape.catalogds);
  // Catalogd HA as Impala's test_catalogd_ha.py auto-failover tests run it: subscriber-id
  // priority (deterministic winner) and fast designation polling.
  const catalogdHaStatestored: Record<string, FlagValue> = shape.catalogdHa
    ? {
        enable_catalogd_ha: true,
        use_subscriber_id_as_catalogd_priority: true,
        catalogd_ha_preemption_wait_period_ms: 1000,
        active_catalogd_designation_monitoring_interval_ms: 50,
        update_catalogd_rpc_resend_interval_ms: 50,
      }
    : {};
  return clusterLayout({
    ha: true,
    catalogds: shape.catalogds,
    coordinators: shape.coordinators,
    executors: shape.executors,
    ports,
    statestored: { ...statestoredFlags(timing, statestoredExtra), ...catalogdHaStatestored },
    subscriber: subscriberFlags(timing),
    catalogd: shape.catalogdHa ? { enable_catalogd_ha: true } : {},
  });
}

export function subscriberNames(specs: readonly DaemonSpec[]): string[] {
  return specs.filter((s) => s.app !== 'statestored').map((s) => s.name);
}
