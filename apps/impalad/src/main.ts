import { impaladFlags, type ImpaladFlags } from '@statestore-ha/config';
import { createLogger, installShutdown, parseFlagsOrExit, json, startWebServer, type WebRoute } from '@statestore-ha/daemon';
import { createImpaladMetrics, createRegistry, createSubscriberMetrics } from '@statestore-ha/metrics';
import { SubscriberType } from '@statestore-ha/proto';
import { StatestoreSubscriber, subscriberObserver, subscriberOptionsFromFlags, type SubscribedTopic } from '@statestore-ha/subscriber';
import { ActiveCatalogd } from './active-catalogd';
import { CatalogView } from './catalog-view';
import { MembershipView } from './membership-view';

const MEMBERSHIP_TOPIC = 'impala-membership';
const REQUEST_QUEUE_TOPIC = 'impala-request-queue';
const CATALOG_TOPIC = 'catalog-update';

function subscriberType(f: ImpaladFlags): SubscriberType {
  if (f.is_coordinator && f.is_executor) return SubscriberType.SUBSCRIBER_TYPE_COORDINATOR_EXECUTOR;
  return f.is_coordinator ? SubscriberType.SUBSCRIBER_TYPE_COORDINATOR : SubscriberType.SUBSCRIBER_TYPE_EXECUTOR;
}

async function main(): Promise<void> {
  const flags = parseFlagsOrExit(impaladFlags, process.argv.slice(2));
  const log = createLogger('impalad', flags.log_level);
  const registry = createRegistry('impalad');
  const metrics = createImpaladMetrics(registry);
  const subMetrics = createSubscriberMetrics(registry);
  const krpcAddress = `${flags.hostname}:${flags.krpc_port}`;
  // Impala's backend id: impalad@host:krpc_port, with the optional cluster id in front.
  const subscriberId = `${flags.cluster_id ? `${flags.cluster_id}-` : ''}impalad@${krpcAddress}`;
  const membership = new MembershipView();
  const catalog = new CatalogView();
  const activeCatalogd = new ActiveCatalogd();

  const topics: SubscribedTopic[] = [{ topicName: MEMBERSHIP_TOPIC, isTransient: true, populateMinSubscriberTopicVersion: false }];
  if (flags.is_coordinator) {
    topics.push({ topicName: REQUEST_QUEUE_TOPIC, isTransient: true, populateMinSubscriberTopicVersion: false });
    // Coordinators read full catalog objects ("1:" keys) and want the min subscriber version.
    topics.push({ topicName: CATALOG_TOPIC, isTransient: true, populateMinSubscriberTopicVersion: true, filterPrefix: '1:' });
  }
  const sub: StatestoreSubscriber = new StatestoreSubscriber({
    subscriberId,
    subscriberType: subscriberType(flags),
    location: { hostname: flags.hostname, port: flags.state_store_subscriber_port },
    topics,
    ...subscriberOptionsFromFlags(flags),
    subscribeCatalogdChange: flags.is_coordinator,
    log,
    observer: subscriberObserver(subMetrics, () => sub),
  });
  sub.onTopicUpdate(MEMBERSHIP_TOPIC, (u) => {
    membership.update(u.entries, sub.inGracePeriod());
    metrics.membershipSize.set(membership.size);
  });
  sub.onTopicUpdate(CATALOG_TOPIC, (u) => {
    catalog.update(u.entries);
    metrics.catalogVersion.set(catalog.catalogVersion);
  });
  // Coordinators follow the active catalogd the statestore designates (Impala: subscribe_catalogd_change),
  // from its notifications and from the active statestored's registration reply, so a (re)started
  // coordinator knows it as soon as it is registered.
  sub.onCatalogdNotification((n, _from, source) => {
    const a = n.catalogdRegistration?.address;
    const out = activeCatalogd.notified(n.catalogdVersion, a ? `${a.hostname}:${a.port}` : '', source);
    if (out.kind === 'ignored') {
      // Impala logs a repeat of the designation in use (the notification a newcomer also gets
      // after its registration reply) at VLOG(3) only; test_restart_statestore expects no
      // "Ignore the update" lines.
      if (out.lastVersion === n.catalogdVersion) log.debug({ catalogdVersion: n.catalogdVersion, source }, 'Duplicated update of active catalogd');
      else log.info({ catalogdVersion: n.catalogdVersion, lastVersion: out.lastVersion, source }, 'Ignore the update of active catalogd since more recent update has been processed');
    } else {
      metrics.activeCatalogdVersion.set(activeCatalogd.version);
      if (out.changed) log.info({ activeCatalogd: out.address, catalogdVersion: n.catalogdVersion, source }, 'active catalogd changed');
    }
    // Taken either way: an ignored notification is answered, not skipped, or it would be resent forever.
    return true;
  });
  const graceTimer = setInterval(() => {
    if (membership.retainedCount > 0 && !sub.inGracePeriod()) {
      membership.graceEnded();
      metrics.membershipSize.set(membership.size);
    }
  }, 250);
  const self = { address: krpcAddress, isCoordinator: flags.is_coordinator, isExecutor: flags.is_executor };
  void sub.setEntry(MEMBERSHIP_TOPIC, subscriberId, new TextEncoder().encode(JSON.stringify(self)));
  sub.start();

  const routes = new Map<string, WebRoute>([
    ['GET /healthz', () => ({ status: 200, body: 'OK\n' })],
    ['GET /metrics', async () => ({ status: 200, body: await registry.metrics(), contentType: registry.contentType })],
    ['GET /membership', () => json(200, { num_members: membership.size, retained_in_grace_period: membership.retainedCount, members: membership.members() })],
    ['GET /catalog', () => json(200, flags.is_coordinator ? { ...catalog.snapshot(), ...activeCatalogd.snapshot() } : { error: 'executors do not follow the catalog' })],
    ['GET /statestore', () => json(200, sub.status())],
    [
      'GET /status',
      () =>
        json(200, {
          subscriber_id: subscriberId,
          roles: { coordinator: flags.is_coordinator, executor: flags.is_executor },
          membership: membership.members().map((m) => m.id),
          catalog_version: catalog.catalogVersion,
          // Impala's catalog.active-catalogd-address; executors follow no catalogd.
          ...(flags.is_coordinator ? { active_catalogd_address: activeCatalogd.address ?? null } : {}),
          statestore: sub.status(),
        }),
    ],
  ]);
  const web = await startWebServer({ host: flags.webserver_interface, port: flags.webserver_port, routes, log });
  log.info({ subscriberId, webPort: web.port }, 'impalad started');
  installShutdown(log, [() => clearInterval(graceTimer), () => sub.stop(), () => web.close()]);
}

main().catch((err: unknown) => {
  process.stderr.write(`impalad: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
