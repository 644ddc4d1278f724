/**
 * The flags the simulated cluster runs with: Impala's names, scaled down so thousands of
 * schedules fit in a CI minute (Impala's own HA tests shrink them the same way: 2 s peer and
 * subscriber timeouts, 50 ms monitoring). Ratios follow Impala's defaults: the peer and
 * subscriber timeouts are 10 heartbeats, a subscriber is dropped after max-missed heartbeats.
 */
export interface SimFlags {
  /** statestore_heartbeat_frequency_ms: statestored -> subscriber heartbeats. */
  readonly statestore_heartbeat_frequency_ms: number;
  /** statestore_max_missed_heartbeats: misses before the statestored drops a subscriber. */
  readonly statestore_max_missed_heartbeats: number;
  /** statestore_update_frequency_ms: topic updates from the active. */
  readonly statestore_update_frequency_ms: number;
  /** statestore_subscriber_timeout_seconds, in ms here. */
  readonly statestore_subscriber_timeout_ms: number;
  /** statestore_subscriber_cnxn_retry_interval_ms: re-registration attempts. */
  readonly statestore_subscriber_cnxn_retry_interval_ms: number;
  /** statestore_subscriber_recovery_grace_period_ms. */
  readonly statestore_subscriber_recovery_grace_period_ms: number;
  /** statestore_peer_timeout_seconds, in ms here. */
  readonly statestore_peer_timeout_ms: number;
  /** statestore_ha_heartbeat_monitoring_frequency_ms. */
  readonly statestore_ha_heartbeat_monitoring_frequency_ms: number;
  /** statestore_ha_preemption_wait_period_ms (the handshake retry interval is wait / attempts). */
  readonly statestore_ha_preemption_wait_period_ms: number;
  /** statestore_peer_cnxn_attempts. */
  readonly statestore_peer_cnxn_attempts: number;
  /** update_statestore_rpc_resend_interval_ms: role notification resends. */
  readonly update_statestore_rpc_resend_interval_ms: number;
  /** catalogd_ha_preemption_wait_period_ms. */
  readonly catalogd_ha_preemption_wait_period_ms: number;
  /** statestore_ha_unsafe_skip_majority_check: the deliberate bug the checker must catch. */
  readonly statestore_ha_unsafe_skip_majority_check: boolean;
  /** Largest one-way network delay once faults are healed. */
  readonly healedMaxDelayMs: number;
}

export const defaultSimFlags: SimFlags = {
  statestore_heartbeat_frequency_ms: 100,
  statestore_max_missed_heartbeats: 5,
  statestore_update_frequency_ms: 200,
  statestore_subscriber_timeout_ms: 1000,
  statestore_subscriber_cnxn_retry_interval_ms: 100,
  statestore_subscriber_recovery_grace_period_ms: 500,
  statestore_peer_timeout_ms: 1000,
  statestore_ha_heartbeat_monitoring_frequency_ms: 100,
  statestore_ha_preemption_wait_period_ms: 500,
  statestore_peer_cnxn_attempts: 5,
  update_statestore_rpc_resend_interval_ms: 100,
  catalogd_ha_preemption_wait_period_ms: 300,
  statestore_ha_unsafe_skip_majority_check: false,
  healedMaxDelayMs: 5,
};

/** The bound's formula, printed in failure messages. */
export const CONVERGENCE_BOUND_FORMULA =
  'T = preemption_wait + max(subscriber_timeout + max_missed*heartbeat + cnxn_retry, peer_timeout + monitoring + retry) + 2*(monitoring + retry + resend + update) + 10*max_delay';

/**
 * How long after the last fault heals until exactly one statestored is active, the pair is
 * formed again (both peerConnected: HA heartbeats flow), and every live subscriber follows the
 * active. Why each term (worst chains, each starting at the heal):
 *  - preemption_wait: a statestored restarted at the heal finishes its startup handshake
 *    (attempts x retry; with the peer reachable it is usually one round trip);
 *  - subscriber_timeout + max_missed*heartbeat + cnxn_retry: a subscriber the active dropped just
 *    after the heal gets no more heartbeats, so it notices only when its detector times out and
 *    then re-registers at its next retry; the registration reply names the active;
 *  - peer_timeout + monitoring + retry (the other branch of the max): a standby whose peer still
 *    looked alive at the heal, while the active had already given it up, re-handshakes only once
 *    its detector says FAILED (the gap Impala leaves open, reference 2.5);
 *  - 2*(monitoring + retry + resend + update): a standby may still take over on reports collected
 *    before the heal (the rule allows it); then the role broadcast (resend) reaches the
 *    subscribers, the old active steps down on their stale-epoch answers (update), and it
 *    re-handshakes (retry), twice over for a second such round;
 *  - 10*max_delay: the message hops of those chains.
 */
export function convergenceBoundMs(f: SimFlags): number {
  const retry = f.statestore_ha_preemption_wait_period_ms / f.statestore_peer_cnxn_attempts;
  const monitoring = f.statestore_ha_heartbeat_monitoring_frequency_ms;
  return (
    f.statestore_ha_preemption_wait_period_ms +
    Math.max(
      f.statestore_subscriber_timeout_ms + f.statestore_max_missed_heartbeats * f.statestore_heartbeat_frequency_ms + f.statestore_subscriber_cnxn_retry_interval_ms,
      f.statestore_peer_timeout_ms + monitoring + retry,
    ) +
    2 * (monitoring + retry + f.update_statestore_rpc_resend_interval_ms + f.statestore_update_frequency_ms) +
    10 * f.healedMaxDelayMs
  );
}
