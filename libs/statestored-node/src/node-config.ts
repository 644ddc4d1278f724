/**
 * What the node needs to know, in milliseconds and plain values, built from the statestored's
 * flags by `nodeConfigFromFlags` (Impala's names, libs/config's table). The daemon and the
 * simulator both build it that way, so the simulator runs the configuration that ships.
 */
import { haConfigFromFlags, type CatalogdElectionConfig, type HaConfig, type StatestoreHaFlags } from '@statestore-ha/ha';
import { parseDebugActions, type DebugActions } from './debug-actions';

/**
 * Deliberate bugs for the mutation check (libs/simulation mutation spec): each breaks one safety
 * rule of the node, so the simulator can show it catches what it claims to. Only tests set
 * them; no flag maps to them.
 */
export type NodeMutation =
  /** The takeover rule trusts the peer detector alone (no subscriber majority). */
  | 'skipMajorityCheck'
  /** The fence is off: a subscriber's report of a newer epoch does not make an active step down. */
  | 'ignoreNewerEpochs'
  /** Crash evidence is trusted from a link that merely went down and subscribers that merely lost the active. */
  | 'trustResetLinks';

export interface NodeConfig {
  /** Impala: a random UUID per process, made by the edge. */
  readonly statestoreId: string;
  /** Null without --enable_statestored_ha: the lone statestored is active under epoch 0. */
  readonly ha: HaConfig | null;
  /** The peer's "host:ha_port" (state_store_peer_host:state_store_peer_ha_port); null without HA. */
  readonly peerHaAddress: string | null;
  /** statestore_heartbeat_frequency_ms. */
  readonly heartbeatFrequencyMs: number;
  /** statestore_heartbeat_tcp_timeout_seconds: a heartbeat unanswered this long is missed. */
  readonly heartbeatTimeoutMs: number;
  /** statestore_max_missed_heartbeats. */
  readonly maxMissedHeartbeats: number;
  /** statestore_update_frequency_ms. */
  readonly updateFrequencyMs: number;
  /** statestore_priority_update_frequency_ms. */
  readonly priorityUpdateFrequencyMs: number;
  /** statestore_update_tcp_timeout_seconds: an update unanswered this long is dropped and resent. */
  readonly updateTimeoutMs: number;
  /** statestore_max_subscribers. */
  readonly maxSubscribers: number;
  /** statestore_max_topic_value_bytes. */
  readonly maxTopicValueBytes: number;
  /** Role notifications: update_statestore_rpc_resend_interval_ms, statestore_update_statestore_tcp_timeout_seconds. */
  readonly roleNotices: NoticeTiming;
  readonly catalogd: {
    /** enable_catalogd_ha, use_subscriber_id_as_catalogd_priority, catalogd_ha_preemption_wait_period_ms. */
    readonly election: CatalogdElectionConfig;
    /** active_catalogd_designation_monitoring_interval_ms. */
    readonly monitoringIntervalMs: number;
    /** update_catalogd_rpc_resend_interval_ms, statestore_update_catalogd_tcp_timeout_seconds. */
    readonly notices: NoticeTiming;
  };
  /** heartbeat_monitoring_frequency_ms: how often the node reports who answered a heartbeat. */
  readonly heartbeatSummaryIntervalMs: number;
  readonly debugActions: DebugActions;
  readonly mutations: ReadonlySet<NodeMutation>;
}

/** A "send until acknowledged" notification: resend period and the deadline of one attempt. */
export interface NoticeTiming {
  readonly resendIntervalMs: number;
  readonly timeoutMs: number;
}

/** Keys are names (table names, backend ids); anything this long is a client bug, not data. */
export const MAX_TOPIC_KEY_BYTES = 64 * 1024;

/** The statestored flags the node reads, spelled as Impala spells them (libs/config's table). */
export interface StatestoredNodeFlags extends StatestoreHaFlags {
  readonly enable_statestored_ha: boolean;
  readonly statestore_heartbeat_frequency_ms: number;
  readonly statestore_heartbeat_tcp_timeout_seconds: number;
  readonly statestore_max_missed_heartbeats: number;
  readonly statestore_update_frequency_ms: number;
  readonly statestore_priority_update_frequency_ms: number;
  readonly statestore_update_tcp_timeout_seconds: number;
  readonly statestore_max_subscribers: number;
  readonly statestore_max_topic_value_bytes: number;
  readonly update_statestore_rpc_resend_interval_ms: number;
  readonly statestore_update_statestore_tcp_timeout_seconds: number;
  readonly enable_catalogd_ha: boolean;
  readonly use_subscriber_id_as_catalogd_priority: boolean;
  readonly catalogd_ha_preemption_wait_period_ms: number;
  readonly active_catalogd_designation_monitoring_interval_ms: number;
  readonly update_catalogd_rpc_resend_interval_ms: number;
  readonly statestore_update_catalogd_tcp_timeout_seconds: number;
  readonly heartbeat_monitoring_frequency_ms: number;
  readonly debug_actions: string;
}

/** Who this node is: its id and, with HA, the two HA addresses of the pair ("host:port"). */
export interface NodeIdentity {
  readonly statestoreId: string;
  readonly selfHaAddress: string;
  readonly peerHaAddress: string;
}

export function nodeConfigFromFlags(flags: StatestoredNodeFlags, who: NodeIdentity, mutations: readonly NodeMutation[] = []): NodeConfig {
  const parsed = parseDebugActions(flags.debug_actions);
  // The flag table validated it; a failure here is a caller that skipped the table.
  if (!parsed.ok) throw new Error(`--debug_actions: ${parsed.problems.join('; ')}`);
  const debugActions = parsed.value;
  const skipMajorityCheck = debugActions.unsafeSkipMajorityCheck || mutations.includes('skipMajorityCheck');
  return {
    statestoreId: who.statestoreId,
    ha: flags.enable_statestored_ha
      ? haConfigFromFlags(
          flags,
          { statestoreId: who.statestoreId, selfAddress: who.selfHaAddress, peerAddress: who.peerHaAddress },
          { skipMajorityCheck, trustResetAsCrashEvidence: mutations.includes('trustResetLinks') },
        )
      : null,
    peerHaAddress: flags.enable_statestored_ha ? who.peerHaAddress : null,
    heartbeatFrequencyMs: flags.statestore_heartbeat_frequency_ms,
    heartbeatTimeoutMs: flags.statestore_heartbeat_tcp_timeout_seconds * 1000,
    maxMissedHeartbeats: flags.statestore_max_missed_heartbeats,
    updateFrequencyMs: flags.statestore_update_frequency_ms,
    priorityUpdateFrequencyMs: flags.statestore_priority_update_frequency_ms,
    updateTimeoutMs: flags.statestore_update_tcp_timeout_seconds * 1000,
    maxSubscribers: flags.statestore_max_subscribers,
    maxTopicValueBytes: flags.statestore_max_topic_value_bytes,
    roleNotices: {
      resendIntervalMs: flags.update_statestore_rpc_resend_interval_ms,
      timeoutMs: flags.statestore_update_statestore_tcp_timeout_seconds * 1000,
    },
    catalogd: {
      election: {
        enabled: flags.enable_catalogd_ha,
        useSubscriberIdAsPriority: flags.use_subscriber_id_as_catalogd_priority,
        preemptionWaitMs: flags.catalogd_ha_preemption_wait_period_ms,
      },
      monitoringIntervalMs: flags.active_catalogd_designation_monitoring_interval_ms,
      notices: {
        resendIntervalMs: flags.update_catalogd_rpc_resend_interval_ms,
        timeoutMs: flags.statestore_update_catalogd_tcp_timeout_seconds * 1000,
      },
    },
    heartbeatSummaryIntervalMs: flags.heartbeat_monitoring_frequency_ms,
    debugActions,
    mutations: new Set(mutations),
  };
}
