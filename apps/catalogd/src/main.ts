import { catalogdFlags } from '@statestore-ha/config';
import { createLogger, installShutdown, parseFlagsOrExit, json, startWebServer, type WebRoute } from '@statestore-ha/daemon';
import { createCatalogdMetrics, createRegistry, createSubscriberMetrics } from '@statestore-ha/metrics';
import { SubscriberType } from '@statestore-ha/proto';
import { StatestoreSubscriber, subscriberObserver, subscriberOptionsFromFlags } from '@statestore-ha/subscriber';
import { randomUUID } from 'node:crypto';
import { Catalog } from './catalog';
import { catalogApiRoutes } from './catalog-api';
import { CatalogPublisher } from './catalog-publisher';
import { CatalogdRole } from './catalogd-role';

export const CATALOG_TOPIC = 'catalog-update';

async function main(): Promise<void> {
  const flags = parseFlagsOrExit(catalogdFlags, process.argv.slice(2));
  const log = createLogger('catalogd', flags.log_level);
  const registry = createRegistry('catalogd');
  const metrics = createCatalogdMetrics(registry);
  const subMetrics = createSubscriberMetrics(registry);
  const serviceAddress = `${flags.hostname}:${flags.catalog_service_port}`;
  // Impala's subscriber id for catalogd (catalog-server.cc).
  const subscriberId = `catalog-server@${serviceAddress}`;
  // Impala's catalog service id: a random UUID per catalogd process, so coordinators can tell
  // a restarted or different catalogd's objects from the previous one's.
  const catalog = new Catalog(randomUUID());
  const role = new CatalogdRole({ haEnabled: flags.enable_catalogd_ha, selfAddress: serviceAddress });
  const isActive = (): boolean => role.isActive;
  metrics.isActive.set(role.isActive ? 1 : 0);

  const sub: StatestoreSubscriber = new StatestoreSubscriber({
    subscriberId,
    subscriberType: SubscriberType.SUBSCRIBER_TYPE_CATALOGD,
    location: { hostname: flags.hostname, port: flags.state_store_subscriber_port },
    // Impala's catalogd answers a from_version=0 update with its full catalog and
    // clear_topic_entries, so a restarted or new active statestored drops stale objects.
    topics: [{ topicName: CATALOG_TOPIC, isTransient: false, populateMinSubscriberTopicVersion: false, clearOnFullUpdate: true }],
    ...subscriberOptionsFromFlags(flags),
    subscribeCatalogdChange: flags.enable_catalogd_ha,
    catalogdRegistration: () => ({
      protocol: 0,
      address: { hostname: flags.hostname, port: flags.catalog_service_port },
      enableCatalogdHa: flags.enable_catalogd_ha,
      forceCatalogdActive: flags.force_catalogd_active,
      registrationTime: 0,
    }),
    log,
    observer: subscriberObserver(subMetrics, () => sub),
  });
  const publisher = new CatalogPublisher(CATALOG_TOPIC, catalog, sub, (v) => metrics.catalogVersion.set(v));
  // The catalog header is an own entry from the start, so even an empty catalog is published.
  // A standby publishes nothing: it would overwrite the active's header and objects.
  if (role.isActive) await publisher.change({ puts: catalog.entries(), deletes: [] });
  // From notifications and from the active statestored's registration reply: a restarted catalogd
  // that the statestore still holds as the active one learns so as soon as it is registered.
  sub.onCatalogdNotification((n, _from, source) => {
    const a = n.catalogdRegistration?.address;
    const out = role.notified(n.catalogdVersion, a ? `${a.hostname}:${a.port}` : '');
    if (out.kind === 'ignored') {
      // A repeat of the designation in use is Impala's VLOG(3) "Duplicated update", not an "Ignore" line.
      if (out.lastVersion === n.catalogdVersion) log.debug({ catalogdVersion: n.catalogdVersion, source }, 'Duplicated update of active catalogd');
      else log.info({ catalogdVersion: n.catalogdVersion, lastVersion: out.lastVersion, source }, 'Ignore the update of active catalogd since more recent update has been processed');
      return true;
    }
    if (!out.changed) return true;
    log.info({ role: out.role, activeCatalogd: out.activeAddress, catalogdVersion: n.catalogdVersion, source }, 'catalogd role changed');
    metrics.isActive.set(out.role === 'active' ? 1 : 0);
    metrics.roleChanges.inc();
    if (out.role === 'active') {
      catalog.advanceVersionTo(Date.now());
      void publisher.full().then((r) => log.info({ accepted: r.accepted, detail: r.message, catalogVersion: catalog.catalogVersion }, 'published the full catalog as the new active catalogd'));
    }
    return true;
  });
  // Impala sends an inactive catalogd no topic updates; counted so that can be observed.
  let topicUpdatesReceived = 0;
  sub.onTopicUpdate(CATALOG_TOPIC, () => {
    topicUpdatesReceived++;
  });
  sub.start();

  const routes = new Map<string, WebRoute>([
    ['GET /healthz', () => ({ status: 200, body: 'OK\n' })],
    ['GET /metrics', async () => ({ status: 200, body: await registry.metrics(), contentType: registry.contentType })],
    [
      'GET /status',
      () =>
        json(200, {
          subscriber_id: subscriberId,
          address: serviceAddress,
          is_active: isActive(),
          catalogd_ha: role.status(),
          catalog_service_id: catalog.catalogServiceId,
          catalog_version: catalog.catalogVersion,
          catalog_topic_updates_received: topicUpdatesReceived,
          num_tables: catalog.list().length,
          statestore: sub.status(),
        }),
    ],
    ...catalogApiRoutes({ catalog, isActive, publish: (change) => publisher.change(change) }),
  ]);
  const web = await startWebServer({ host: flags.webserver_interface, port: flags.webserver_port, routes, log });
  log.info({ subscriberId, webPort: web.port }, 'catalogd started');
  installShutdown(log, [() => sub.stop(), () => web.close()]);
}

main().catch((err: unknown) => {
  process.stderr.write(`catalogd: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
