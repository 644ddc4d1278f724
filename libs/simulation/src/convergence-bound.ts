/**
 * How long after the last fault heals until the cluster must have converged, as formulas of the
 * flags the daemons run with. The simulator judges every seed against them and the chaos
 * harness judges real clusters against them (plus slack for a loaded machine), both reading the
 * flags through libs/config's table: one config table, no hand translation.
 */
import type { SimConfig } from './sim-config';

/** The flags the bounds read, as parsed by libs/config (statestored and subscriber tables). */
export type BoundFlags = Pick<SimConfig, 'statestored' | 'subscriber' | 'healedMaxDelayMs'>;

export const CONVERGENCE_BOUND_FORMULA =
  'T = preemption_wait + max(subscriber_timeout + heartbeat_timeout + heartbeat + cnxn_retry, peer_timeout + monitoring + retry) + 2*(monitoring + retry + role_notice_timeout + resend + update) + 10*max_delay';

export const VIEW_BOUND_FORMULA =
  'V = max(T, max_missed*(heartbeat_timeout + heartbeat)) + update_timeout + catalogd_preemption_wait + catalogd_notice_timeout + 4*(priority_update + update + resend) + 10*max_delay';

/**
 * Roles: exactly one statestored is active, the pair is formed, and every live subscriber
 * follows the active under its epoch. Why each term (worst chains, each starting at the heal):
 *  - preemption_wait: a statestored restarted at the heal finishes its startup handshake;
 *  - subscriber_timeout + heartbeat_timeout + heartbeat + cnxn_retry: a subscriber the active
 *    drops just after the heal (its last missed heartbeat times out then) notices only when its
 *    own detector times out, and re-registers at its next retry; the reply names the active;
 *  - peer_timeout + monitoring + retry (the other branch): a standby whose peer still looked alive
 *    at the heal, while the active had already given it up, re-handshakes only once its detector
 *    says FAILED (the gap Impala leaves open, reference 2.5);
 *  - 2*(monitoring + retry + role_notice_timeout + resend + update): a standby may still take over
 *    on reports collected before the heal; its role notification, if it went into a cut link, is
 *    resent after its deadline and a resend interval; the old active steps down on the
 *    subscribers' stale-epoch answers (update) and re-handshakes (retry); twice over;
 *  - 10*max_delay: the message hops of those chains.
 */
export function convergenceBoundMs(c: BoundFlags): number {
  const s = c.statestored;
  const retry = retryMs(c);
  const monitoring = s.statestore_ha_heartbeat_monitoring_frequency_ms;
  return (
    s.statestore_ha_preemption_wait_period_ms +
    Math.max(
      c.subscriber.statestore_subscriber_timeout_seconds * 1000 + s.statestore_heartbeat_tcp_timeout_seconds * 1000 + s.statestore_heartbeat_frequency_ms + c.subscriber.statestore_subscriber_cnxn_retry_interval_ms,
      s.statestore_peer_timeout_seconds * 1000 + monitoring + retry,
    ) +
    2 * (monitoring + retry + s.statestore_update_statestore_tcp_timeout_seconds * 1000 + s.update_statestore_rpc_resend_interval_ms + s.statestore_update_frequency_ms) +
    10 * c.healedMaxDelayMs
  );
}

/**
 * Views: every live impalad's membership view holds exactly the live impalads, and every live
 * coordinator follows the catalogd the active designates. Beyond the roles' bound:
 *  - max_missed*(heartbeat_timeout + heartbeat): a subscriber that died unseen (its FIN lost in a
 *    partition) is dropped by its statestored after that many timed-out heartbeats, and its
 *    transient entry with it;
 *  - update_timeout: an update that went into a cut link is resent after its deadline;
 *  - catalogd_preemption_wait + catalogd_notice_timeout: a lone catalogd is designated after the
 *    wait, and a notification lost before the heal is resent after its deadline;
 *  - 4*(priority_update + update + resend): the tombstone, a republished entry and the
 *    designation each take an update or a notification round, and a registration's first full
 *    update another.
 */
export function viewBoundMs(c: BoundFlags): number {
  const s = c.statestored;
  return (
    Math.max(convergenceBoundMs(c), s.statestore_max_missed_heartbeats * (s.statestore_heartbeat_tcp_timeout_seconds * 1000 + s.statestore_heartbeat_frequency_ms)) +
    s.statestore_update_tcp_timeout_seconds * 1000 +
    s.catalogd_ha_preemption_wait_period_ms +
    s.statestore_update_catalogd_tcp_timeout_seconds * 1000 +
    4 * (s.statestore_priority_update_frequency_ms + s.statestore_update_frequency_ms + s.update_catalogd_rpc_resend_interval_ms) +
    10 * c.healedMaxDelayMs
  );
}

/** Impala derives the handshake retry interval as preemption wait / attempts. */
function retryMs(c: BoundFlags): number {
  return c.statestored.statestore_ha_preemption_wait_period_ms / c.statestored.statestore_peer_cnxn_attempts;
}
