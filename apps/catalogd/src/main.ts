import { catalogdFlags, ConfigErrors, type CatalogdFlags } from '@statestore-ha/config';
import { createLogger, installShutdown, json, startWebServer, type WebRoute } from '@statestore-ha/daemon';
import { createCatalogdMetrics, createRegistry, createSubscriberMetrics } from '@statestore-ha/metrics';
import { SubscriberType } from '@statestore-ha/proto';
import { StatestoreSubscriber, subscriberObserver, subscriberOptionsFromFlags } from '@statestore-ha/subscriber';
import { Catalog } from './catalog';
import { catalogApiRoutes } from './catalog-api';

export const CATALOG_TOPIC = 'catalog-update';

function parseFlags(argv: string[]): CatalogdFlags {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${catalogdFlags.help()}\n`);
    process.exit(0);
  }
  try {
    return catalogdFlags.parse(argv);
  } catch (err) {
    if (err instanceof ConfigErrors) {
      for (const e of err.errors) process.stderr.write(`catalogd: ${e.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const log = createLogger('catalogd', flags.log_level);
  const registry = createRegistry('catalogd');
  const metrics = createCatalogdMetrics(registry);
  const subMetrics = createSubscriberMetrics(registry);
  const serviceAddress = `${flags.hostname}:${flags.catalog_service_port}`;
  // Impala's subscriber id for catalogd (catalog-server.cc).
  const subscriberId = `catalog-server@${serviceAddress}`;
  const catalog = new Catalog(subscriberId);
  // Without catalogd HA the lone catalogd is always the active one.
  const isActive = (): boolean => true;
  metrics.isActive.set(1);

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
  const publishChange = async (change: { puts: Array<{ key: string; value: Uint8Array }>; deletes: string[] }) => {
    metrics.catalogVersion.set(catalog.catalogVersion);
    const out = await sub.changeEntries(CATALOG_TOPIC, change.puts, change.deletes);
    return out.accepted ? { accepted: true } : { accepted: false, message: out.message };
  };
  // The catalog header is an own entry from the start, so even an empty catalog is published.
  await publishChange({ puts: catalog.entries(), deletes: [] });
  sub.start();

  const routes = new Map<string, WebRoute>([
    ['GET /healthz', () => ({ status: 200, body: 'OK\n' })],
    ['GET /metrics', async () => ({ status: 200, body: await registry.metrics(), contentType: registry.contentType })],
    ['GET /status', () => json(200, { subscriber_id: subscriberId, is_active: isActive(), catalog_version: catalog.catalogVersion, num_tables: catalog.list().length, statestore: sub.status() })],
    ...catalogApiRoutes({ catalog, isActive, publish: publishChange }),
  ]);
  const web = await startWebServer({ host: flags.webserver_interface, port: flags.webserver_port, routes, log });
  log.info({ subscriberId, webPort: web.port }, 'catalogd started');
  installShutdown(log, [() => sub.stop(), () => web.close()]);
}

main().catch((err: unknown) => {
  process.stderr.write(`catalogd: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
