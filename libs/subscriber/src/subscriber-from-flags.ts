import type { SubscriberFlags } from '@statestore-ha/config';
import { ActiveTracker } from './active-tracker';
import { GrpcStatestoreLink, grpcChannel } from './grpc-link';
import type { SubscriberOptions } from './statestore-subscriber';

/** Reconnects start fast and back off to Impala's retry interval (statestore_subscriber_cnxn_retry_interval_ms). */
const FIRST_RETRY_MS = 100;

/**
 * The part of SubscriberOptions that Impala's subscriber flags decide, the same for every daemon:
 * one statestored, or two with --enable_statestored_ha, and the timing.
 */
export function subscriberOptionsFromFlags(
  flags: SubscriberFlags,
): Pick<SubscriberOptions, 'statestores' | 'tracker' | 'heartbeatTimeoutMs' | 'backoff' | 'startupAttempts' | 'rpcTimeoutMs'> {
  const addresses = [`${flags.state_store_host}:${flags.state_store_port}`];
  if (flags.enable_statestored_ha) addresses.push(`${flags.state_store_2_host}:${flags.state_store_2_port}`);
  return {
    statestores: addresses.map((address) => {
      const [host, port] = splitHostPort(address);
      const channel = grpcChannel(host, port);
      return { address, linkFactory: () => new GrpcStatestoreLink(channel) };
    }),
    tracker: new ActiveTracker({
      haEnabled: flags.enable_statestored_ha,
      subscriberTimeoutMs: flags.statestore_subscriber_timeout_seconds * 1000,
      recoveryGracePeriodMs: flags.statestore_subscriber_recovery_grace_period_ms,
    }, Date.now()),
    heartbeatTimeoutMs: flags.statestore_subscriber_timeout_seconds * 1000,
    backoff: { startingDelayMs: Math.min(FIRST_RETRY_MS, flags.statestore_subscriber_cnxn_retry_interval_ms), maxDelayMs: flags.statestore_subscriber_cnxn_retry_interval_ms },
    startupAttempts: flags.tolerate_statestore_startup_delay ? Number.POSITIVE_INFINITY : flags.statestore_subscriber_cnxn_attempts,
    rpcTimeoutMs: flags.statestore_client_rpc_timeout_ms,
  };
}

function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), Number(address.slice(i + 1))];
}
