/**
 * The time bounds a run is judged against, each a formula of the flags (printed in every
 * report). SLACK_MS absorbs what the formulas cannot know on a loaded 2-core CI machine:
 * process scheduling, event-loop stalls, log and poll granularity.
 */
import { convergenceBoundMs as simConvergenceBoundMs, CONVERGENCE_BOUND_FORMULA } from '@statestore-ha/simulation';
import type { TimingFlags } from '../cluster';

export const SLACK_MS = 1500;
/** One-way delay assumed on a healed loopback link under load (the simulator's max_delay). */
const HEALED_MAX_DELAY_MS = 50;

export interface Bounds {
  readonly detectionMs: number;
  readonly failoverMs: number;
  readonly convergenceMs: number;
  readonly formulas: { readonly detection: string; readonly failover: string; readonly convergence: string };
}

export function boundsFor(t: TimingFlags): Bounds {
  // The standby promotes only when its peer detector has said FAILED (peer_timeout without an
  // HA heartbeat) AND more than half of the subscribers report their link to the active FAILED
  // (subscriber_timeout without a heartbeat; statestore.cc). Both clocks start at the fault;
  // the check runs every monitoring period and a report rides the next heartbeat.
  const detectionMs = Math.max(t.peerTimeoutS, t.subscriberTimeoutS) * 1000 + t.monitoringMs + t.heartbeatMs + SLACK_MS;
  // The new active's role notification reaches subscribers at once, resent every resend period.
  const failoverMs = detectionMs + 2 * t.resendMs;
  const convergenceMs =
    simConvergenceBoundMs({
      statestore_heartbeat_frequency_ms: t.heartbeatMs,
      statestore_max_missed_heartbeats: t.maxMissedHeartbeats,
      statestore_update_frequency_ms: t.updateMs,
      statestore_subscriber_timeout_ms: t.subscriberTimeoutS * 1000,
      statestore_subscriber_cnxn_retry_interval_ms: t.cnxnRetryMs,
      statestore_subscriber_recovery_grace_period_ms: 0,
      statestore_peer_timeout_ms: t.peerTimeoutS * 1000,
      statestore_ha_heartbeat_monitoring_frequency_ms: t.monitoringMs,
      statestore_ha_preemption_wait_period_ms: t.preemptionWaitMs,
      // statestore_peer_cnxn_attempts keeps Impala's default (10).
      statestore_peer_cnxn_attempts: 10,
      update_statestore_rpc_resend_interval_ms: t.resendMs,
      catalogd_ha_preemption_wait_period_ms: 1000,
      statestore_ha_unsafe_skip_majority_check: false,
      healedMaxDelayMs: HEALED_MAX_DELAY_MS,
    }) + SLACK_MS;
  return {
    detectionMs,
    failoverMs,
    convergenceMs,
    formulas: {
      detection: `max(peer_timeout, subscriber_timeout) + monitoring + heartbeat + slack = max(${t.peerTimeoutS}, ${t.subscriberTimeoutS}) s + ${t.monitoringMs} + ${t.heartbeatMs} + ${SLACK_MS} = ${detectionMs} ms`,
      failover: `detection + 2*resend = ${detectionMs} + 2*${t.resendMs} = ${failoverMs} ms`,
      convergence: `${CONVERGENCE_BOUND_FORMULA} (max_delay ${HEALED_MAX_DELAY_MS} ms) + slack ${SLACK_MS} = ${convergenceMs} ms`,
    },
  };
}
