import { statePortSpec, statestoredHaSpec } from './cluster-flags';
import { ConfigError } from './config-error';
import { endpointKey, type CrossFieldCheck } from './cross-field-check';
import { boolFlag, countFlag, millisFlag, portFlag, secondsFlag, stringFlag, type FlagValues } from './flag-spec';

// The client side every subscribing daemon shares (catalogd, impalad). Names and defaults:
// Impala be/src/statestore/statestore-subscriber.cc (reference/impala-statestore.md §3).

const nonEmptyHost = (v: string): string | undefined => (v.trim() === '' ? 'must not be empty' : undefined);

/** The subscriber group; only the default of state_store_subscriber_port differs per daemon. */
export function subscriberFlagSpecs(defaultSubscriberPort: number) {
  return {
    ...statestoredHaSpec,
    state_store_host: stringFlag('localhost', 'Host of the (first) statestored.', { validate: nonEmptyHost }),
    ...statePortSpec,
    state_store_2_host: stringFlag('localhost', 'Host of the second statestored; used with --enable_statestored_ha.', { validate: nonEmptyHost }),
    // Impala's default is 24001 although its docs say 24000: the minicluster runs both on one host.
    state_store_2_port: portFlag(24001, 'StatestoreService port of the second statestored; used with --enable_statestored_ha.'),
    // Impala serves StatestoreSubscriber on this port. Here the subscriber opens the stream, so
    // nothing listens on it: it is only the address this subscriber reports when registering.
    state_store_subscriber_port: portFlag(defaultSubscriberPort, 'Port this subscriber reports as its address when it registers (nothing listens on it here).'),
    statestore_subscriber_timeout_seconds: secondsFlag(
      30,
      'Seconds without a heartbeat from a statestored before this subscriber considers it failed and re-registers.',
    ),
    // Impala would make no attempt with 0 (the retry loop runs `attempts` times): refuse it.
    statestore_subscriber_cnxn_attempts: countFlag(10, 'Attempts of each registration call to a statestored before backing off.'),
    statestore_subscriber_cnxn_retry_interval_ms: millisFlag(3000, 'Pause (ms) between registration attempts.'),
    // 0 is meaningful: no grace, so membership may drop backends as soon as a new active's topic is empty.
    statestore_subscriber_recovery_grace_period_ms: millisFlag(
      30000,
      'After a reconnect or failover, how long (ms) membership keeps backends missing from the new topic; 0 disables the grace.',
      0,
    ),
    tolerate_statestore_startup_delay: boolFlag(
      true,
      'Keep retrying in the background when no statestored answers at startup, instead of exiting.',
    ),
    statestore_client_rpc_timeout_ms: millisFlag(300000, 'Deadline (ms) of a registration reply and of a publish answer from a statestored; past it the attempt fails and is retried.'),
  };
}

export type SubscriberFlagSpecs = ReturnType<typeof subscriberFlagSpecs>;
export type SubscriberFlags = FlagValues<SubscriberFlagSpecs>;

/** Cross-field rules of the subscriber group, for any daemon whose flags include it. */
export function subscriberChecks<T extends SubscriberFlags & { readonly hostname: string }>(): readonly CrossFieldCheck<T>[] {
  return [
    {
      // With HA the two links must reach two different statestoreds; one statestored reached
      // twice would look like a healthy pair and hide the loss of the real second one.
      reads: ['enable_statestored_ha', 'state_store_host', 'state_store_port', 'state_store_2_host', 'state_store_2_port', 'hostname'],
      check: (f) =>
        f.enable_statestored_ha &&
        endpointKey(f.state_store_host, f.state_store_port, f.hostname) === endpointKey(f.state_store_2_host, f.state_store_2_port, f.hostname)
          ? new ConfigError(
              'state_store_2_port',
              `${f.state_store_2_host}:${f.state_store_2_port}`,
              `with --enable_statestored_ha the second statestored must differ from the first (--state_store_host=${f.state_store_host} --state_store_port=${f.state_store_port})`,
            )
          : undefined,
    },
  ];
}
