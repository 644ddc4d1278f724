import { ConfigError } from './config-error';
import { distinctPorts } from './cross-field-check';
import { daemonFlagSpecs, type DaemonFlagSpecs } from './daemon-flags';
import { boolFlag, portFlag, stringFlag, type FlagValues } from './flag-spec';
import { FlagSet } from './flag-set';
import { subscriberChecks, subscriberFlagSpecs, type SubscriberFlagSpecs } from './subscriber-flags';

// Impala global-flags.cc and impala-server.cc.
const impaladSpecs = {
  is_coordinator: boolFlag(true, 'This impalad plans queries (subscribes to catalog-update and follows the active catalogd).'),
  is_executor: boolFlag(true, 'This impalad runs query fragments (listed in impala-membership as an executor).'),
  krpc_port: portFlag(27000, 'KRPC port; part of this impalad\'s subscriber id impalad@hostname:krpc_port.'),
  beeswax_port: portFlag(21000, 'Beeswax client port (Impala --beeswax_port).'),
  cluster_id: stringFlag('', 'Prefix of the subscriber id, so impalads of several clusters can share one statestore.'),
};

export type ImpaladFlags = FlagValues<DaemonFlagSpecs & SubscriberFlagSpecs & typeof impaladSpecs>;

export const impaladFlags = new FlagSet<ImpaladFlags>({
  daemon: 'impalad',
  groups: [
    { title: 'Daemon', specs: daemonFlagSpecs(25000) },
    { title: 'Statestore subscriber', specs: subscriberFlagSpecs(23000) },
    { title: 'impalad', specs: impaladSpecs },
  ],
  checks: [
    ...subscriberChecks<ImpaladFlags>(),
    {
      // Impala refuses to start an impalad that is neither (ImpalaServer::Start: "Impala does not
      // have a valid role configured").
      reads: ['is_coordinator', 'is_executor'],
      check: (f) =>
        f.is_coordinator || f.is_executor
          ? undefined
          : new ConfigError('is_executor', false, 'with --is_coordinator=false an impalad must be an executor (Impala refuses a daemon with no role)'),
    },
    distinctPorts<ImpaladFlags>(['beeswax_port', 'krpc_port', 'webserver_port']),
  ],
});
