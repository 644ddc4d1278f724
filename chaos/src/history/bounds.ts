/**
 * The time bounds a run is judged against, each a formula of the flags (printed in every
 * report). The flags are the ones the harness starts the daemons with, parsed by libs/config's
 * own tables, and the convergence formula is the simulator's: one config table, no hand
 * translation. SLACK_MS absorbs what the formulas cannot know on a loaded 2-core CI machine:
 * process scheduling, event-loop stalls, log and poll granularity.
 */
import { flagArgs, impaladFlags, statestoredFlags as statestoredFlagTable } from '@statestore-ha/config';
import { convergenceBoundMs as simConvergenceBoundMs, CONVERGENCE_BOUND_FORMULA, type BoundFlags } from '@statestore-ha/simulation';
import { statestoredFlags, subscriberFlags, type TimingFlags } from '../cluster';

export const SLACK_MS = 1500;
/** One-way delay assumed on a healed loopback link under load (the simulator's max_delay). */
const HEALED_MAX_DELAY_MS = 50;

export interface Bounds {
  readonly detectionMs: number;
  readonly failoverMs: number;
  readonly convergenceMs: number;
  readonly formulas: { readonly detection: string; readonly failover: string; readonly convergence: string };
}

/** The flags a chaos cluster's daemons run with, as the daemons parse them. */
export function chaosBoundFlags(t: TimingFlags): BoundFlags {
  return {
    statestored: statestoredFlagTable.parse(flagArgs(statestoredFlags(t))),
    subscriber: impaladFlags.parse(flagArgs(subscriberFlags(t))),
    healedMaxDelayMs: HEALED_MAX_DELAY_MS,
  };
}

export function boundsFor(t: TimingFlags): Bounds {
  const f = chaosBoundFlags(t);
  const ss = f.statestored;
  const peerTimeoutMs = ss.statestore_peer_timeout_seconds * 1000;
  const subscriberTimeoutMs = f.subscriber.statestore_subscriber_timeout_seconds * 1000;
  const monitoringMs = ss.statestore_ha_heartbeat_monitoring_frequency_ms;
  const heartbeatMs = ss.statestore_heartbeat_frequency_ms;
  const resendMs = ss.update_statestore_rpc_resend_interval_ms;
  // The standby promotes only when its peer detector has said FAILED (peer_timeout without an
  // HA heartbeat) AND more than half of the subscribers report their link to the active FAILED
  // (subscriber_timeout without a heartbeat; statestore.cc). Both clocks start at the fault;
  // the check runs every monitoring period and a report rides the next heartbeat.
  const detectionMs = Math.max(peerTimeoutMs, subscriberTimeoutMs) + monitoringMs + heartbeatMs + SLACK_MS;
  // The new active's role notification reaches subscribers at once, resent every resend period.
  const failoverMs = detectionMs + 2 * resendMs;
  const convergenceMs = simConvergenceBoundMs(f) + SLACK_MS;
  return {
    detectionMs,
    failoverMs,
    convergenceMs,
    formulas: {
      detection: `max(peer_timeout, subscriber_timeout) + monitoring + heartbeat + slack = max(${peerTimeoutMs}, ${subscriberTimeoutMs}) + ${monitoringMs} + ${heartbeatMs} + ${SLACK_MS} = ${detectionMs} ms`,
      failover: `detection + 2*resend = ${detectionMs} + 2*${resendMs} = ${failoverMs} ms`,
      convergence: `${CONVERGENCE_BOUND_FORMULA} (max_delay ${HEALED_MAX_DELAY_MS} ms) + slack ${SLACK_MS} = ${convergenceMs} ms`,
    },
  };
}
