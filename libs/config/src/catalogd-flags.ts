import { catalogdHaSpec } from './cluster-flags';
import { distinctPorts } from './cross-field-check';
import { daemonFlagSpecs, type DaemonFlagSpecs } from './daemon-flags';
import { boolFlag, portFlag, type FlagValues } from './flag-spec';
import { FlagSet } from './flag-set';
import { subscriberChecks, subscriberFlagSpecs, type SubscriberFlagSpecs } from './subscriber-flags';

// Impala be/src/catalog/catalog-server.cc and global-flags.cc.
const catalogdSpecs = {
  catalog_service_port: portFlag(26000, 'CatalogService port; with --hostname it is the address the statestore hands out for the active catalogd.'),
  ...catalogdHaSpec,
  force_catalogd_active: boolFlag(false, 'Become the active catalogd even if another is active (manual failover).'),
};

export type CatalogdFlags = FlagValues<DaemonFlagSpecs & SubscriberFlagSpecs & typeof catalogdSpecs>;

export const catalogdFlags = new FlagSet<CatalogdFlags>({
  daemon: 'catalogd',
  groups: [
    { title: 'Daemon', specs: daemonFlagSpecs(25020) },
    { title: 'Statestore subscriber', specs: subscriberFlagSpecs(23020) },
    { title: 'catalogd', specs: catalogdSpecs },
  ],
  checks: [...subscriberChecks<CatalogdFlags>(), distinctPorts<CatalogdFlags>(['catalog_service_port', 'webserver_port'])],
});
