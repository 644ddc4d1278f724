import { collectDefaultMetrics, Registry } from 'prom-client';

export type DaemonName = 'statestored' | 'catalogd' | 'impalad';

/**
 * A fresh registry for one daemon, never prom-client's global one, so that two daemons in one
 * process (a Jest run, the simulator) keep separate metrics. Every series carries daemon=<name>.
 * Node's default metrics are on because event-loop lag matters here: a loop blocked for longer
 * than statestore_peer_timeout_seconds looks exactly like a dead peer, and nodejs_eventloop_lag_*
 * is how an operator tells the two apart.
 */
export function createRegistry(daemon: DaemonName): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ daemon });
  collectDefaultMetrics({ register: registry });
  return registry;
}
