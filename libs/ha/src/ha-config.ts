/**
 * What the role machine needs to know, in milliseconds and plain values. The statestored builds
 * it from its flags with `haConfigFromFlags`; the flag names are Impala's (global-flags.cc,
 * statestore.cc), so libs/config's table maps one to one.
 */
import { epochSlot, type EpochSlot } from './epoch';

export interface HaConfig {
  /** This process's statestore_id (Impala: a random UUID created once per process). */
  readonly statestoreId: string;
  /** "host:state_store_ha_port": what this node sends as src_statestore_address. */
  readonly selfAddress: string;
  /** Residue class of this node's epochs (epoch.ts); differs between the two peers. */
  readonly epochSlot: EpochSlot;
  /** --statestore_force_active */
  readonly forceActive: boolean;
  /** --use_network_address_as_statestore_priority: lower address wins instead of lower id. */
  readonly useNetworkAddressAsPriority: boolean;
  /** --statestore_peer_cnxn_attempts: startup handshake tries (0: none, active at once). */
  readonly peerCnxnAttempts: number;
  /** Gap between handshake tries; Impala derives it as preemption wait / attempts. */
  readonly peerCnxnRetryIntervalMs: number;
  /** --statestore_ha_heartbeat_monitoring_frequency_ms: HA heartbeat and takeover-check period. */
  readonly monitoringFrequencyMs: number;
  /** --statestore_peer_timeout_seconds × 1000: the standby's TimeoutFailureDetector on the active. */
  readonly peerTimeoutMs: number;
  /**
   * Consecutive failed HA heartbeats before the active declares its standby FAILED. Impala
   * hard-codes MissedHeartbeatFailureDetector(statestore_max_missed_heartbeats=10, 5) here too.
   */
  readonly peerMaxMissedHeartbeats: number;
  /**
   * MAX_NUM_RECEIVED_HEARTBEAT_IN_ACTIVE (statestore.cc, 10): an active that receives more HA
   * heartbeats than this from an equal-or-unknown epoch peer concludes both are active.
   */
  readonly maxReceivedHeartbeatsInActive: number;
  /**
   * A deliberate bug (NOT in Impala, never from a plain flag): take over on the peer detector
   * alone. Set only by the node's test seam and by --debug_actions=STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK,
   * so the simulator and the chaos harness can prove they catch the resulting split brain.
   */
  readonly skipMajorityCheck: boolean;
  /**
   * --statestore_ha_takeover_on_crash_evidence (ours): take over at once when this node's link to
   * the active was refused and a majority of subscribers report REFUSED (takeover-rule.ts).
   */
  readonly crashEvidenceTakeover: boolean;
  /**
   * A deliberate bug, set only by the node's test seam: a link that merely went down (a reset, a
   * partition) and subscribers that merely lost the active count as crash evidence.
   */
  readonly trustResetAsCrashEvidence: boolean;
}

/** The statestored flags the role machine depends on, spelled as Impala spells them. */
export interface StatestoreHaFlags {
  readonly statestore_force_active: boolean;
  readonly use_network_address_as_statestore_priority: boolean;
  readonly statestore_ha_preemption_wait_period_ms: number;
  readonly statestore_peer_cnxn_attempts: number;
  readonly statestore_ha_heartbeat_monitoring_frequency_ms: number;
  readonly statestore_peer_timeout_seconds: number;
  readonly statestore_max_missed_heartbeats: number;
  readonly statestore_ha_takeover_on_crash_evidence: boolean;
}

/** Who this node is: its id and the two HA addresses of the pair. */
export interface HaIdentity {
  readonly statestoreId: string;
  /** "host:state_store_ha_port" of this node. */
  readonly selfAddress: string;
  /** "state_store_peer_host:state_store_peer_ha_port". */
  readonly peerAddress: string;
}

/** Test hooks that no flag of the table sets (see HaConfig.skipMajorityCheck). */
export interface UnsafeHaOptions {
  readonly skipMajorityCheck: boolean;
  readonly trustResetAsCrashEvidence: boolean;
}

const SAFE: UnsafeHaOptions = { skipMajorityCheck: false, trustResetAsCrashEvidence: false };

export function haConfigFromFlags(flags: StatestoreHaFlags, who: HaIdentity, unsafe: UnsafeHaOptions = SAFE): HaConfig {
  const attempts = flags.statestore_peer_cnxn_attempts;
  return {
    statestoreId: who.statestoreId,
    selfAddress: who.selfAddress,
    epochSlot: epochSlot(who.selfAddress, who.peerAddress),
    forceActive: flags.statestore_force_active,
    useNetworkAddressAsPriority: flags.use_network_address_as_statestore_priority,
    peerCnxnAttempts: attempts,
    // statestore.cc: statestore_peer_cnxn_retry_interval_ms = preemption wait / attempts, so the
    // whole startup handshake takes about statestore_ha_preemption_wait_period_ms.
    peerCnxnRetryIntervalMs:
      attempts > 0 ? Math.max(1, Math.floor(flags.statestore_ha_preemption_wait_period_ms / attempts)) : 0,
    monitoringFrequencyMs: flags.statestore_ha_heartbeat_monitoring_frequency_ms,
    peerTimeoutMs: flags.statestore_peer_timeout_seconds * 1000,
    peerMaxMissedHeartbeats: flags.statestore_max_missed_heartbeats,
    maxReceivedHeartbeatsInActive: 10,
    skipMajorityCheck: unsafe.skipMajorityCheck,
    crashEvidenceTakeover: flags.statestore_ha_takeover_on_crash_evidence,
    trustResetAsCrashEvidence: unsafe.trustResetAsCrashEvidence,
  };
}
