import { decideDebugAction, parseDebugActions, statestoredFlags, type StatestoredFlags } from '@statestore-ha/config';
import { createLogger, installShutdown, parseFlagsOrExit, json, startWebServer, type WebRoute, type WebRoutes } from '@statestore-ha/daemon';
import { createRegistry, createStatestoredMetrics } from '@statestore-ha/metrics';
import { StatestoreServiceService } from '@statestore-ha/proto';
import { randomUUID } from 'node:crypto';
import { haConfigFromFlags } from '@statestore-ha/ha';
import type { StatestoredMetrics } from '@statestore-ha/metrics';
import { StatestoreHaServiceService } from '@statestore-ha/proto';
import type { Logger } from '@statestore-ha/daemon';
import { startGrpcServer, type RunningGrpcServer } from './grpc-server';
import { haPeerService } from './ha-peer-service';
import { CatalogdHaRunner } from './catalogd-ha-runner';
import { NO_DEBUG_ACTIONS, type DebugActionHook } from './first-attempt';
import { HaRunner } from './ha-runner';
import { metricsObserver, refreshTopicGauges } from './metrics-observer';
import { ALWAYS_ACTIVE } from './role-view';
import { Statestore } from './statestore';
import { subscriberService } from './subscriber-service';
import { subscribersPage, topicsPage } from './web-pages';

/** With --enable_statestored_ha: the role machine's runner and the HA port (Impala's InitStatestoreHa). */
function haRunner(flags: StatestoredFlags, statestoreId: string, metrics: StatestoredMetrics, log: Logger, debugAction: DebugActionHook): HaRunner {
  const selfAddress = `${flags.hostname}:${flags.state_store_ha_port}`;
  const peerAddress = `${flags.state_store_peer_host}:${flags.state_store_peer_ha_port}`;
  return new HaRunner({
    config: haConfigFromFlags(flags, { statestoreId, selfAddress, peerAddress }),
    peerAddress,
    // A reply later than the next monitoring tick counts as missed anyway; keep RPCs from piling up.
    rpcTimeoutMs: Math.min(flags.statestore_update_statestore_tcp_timeout_seconds * 1000, Math.max(1000, 2 * flags.statestore_ha_heartbeat_monitoring_frequency_ms)),
    resendIntervalMs: flags.update_statestore_rpc_resend_interval_ms,
    metrics,
    log,
    debugAction,
  });
}

/**
 * The --debug_actions hooks on first attempts (Impala's DebugAction), drawing from Math.random
 * as Impala draws from rand(). The flag was validated when parsed, so a problem here cannot occur.
 */
function debugActionHook(flags: StatestoredFlags): { hook: DebugActionHook; disableNetwork: boolean } {
  const parsed = parseDebugActions(flags.debug_actions);
  if (!parsed.ok || parsed.value.actions.length === 0) return { hook: NO_DEBUG_ACTIONS, disableNetwork: parsed.ok && parsed.value.disableStatestoreNetwork };
  const actions = parsed.value;
  return { hook: (label) => decideDebugAction(actions, label, Math.random), disableNetwork: actions.disableStatestoreNetwork };
}

async function main(): Promise<void> {
  const flags = parseFlagsOrExit(statestoredFlags, process.argv.slice(2));
  const log = createLogger('statestored', flags.log_level);
  const registry = createRegistry('statestored');
  const metrics = createStatestoredMetrics(registry);
  const statestoreId = randomUUID();
  const debugActions = debugActionHook(flags);
  const ha = flags.enable_statestored_ha ? haRunner(flags, statestoreId, metrics, log, debugActions.hook) : undefined;
  const core = new Statestore(
    {
      heartbeatFrequencyMs: flags.statestore_heartbeat_frequency_ms,
      maxMissedHeartbeats: flags.statestore_max_missed_heartbeats,
      updateFrequencyMs: flags.statestore_update_frequency_ms,
      priorityUpdateFrequencyMs: flags.statestore_priority_update_frequency_ms,
      maxSubscribers: flags.statestore_max_subscribers,
      updateTimeoutMs: flags.statestore_update_tcp_timeout_seconds * 1000,
      maxTopicValueBytes: flags.statestore_max_topic_value_bytes,
      enableCatalogdHa: flags.enable_catalogd_ha,
    },
    ha ?? ALWAYS_ACTIVE,
    metricsObserver(metrics),
    log,
    Date.now,
    statestoreId,
  );
  ha?.attach(core);
  // Always on: without --enable_catalogd_ha the election makes every registering catalogd active
  // (Impala), and coordinators still learn its address from the notification.
  const catalogdHa = new CatalogdHaRunner({
    election: {
      enabled: flags.enable_catalogd_ha,
      useSubscriberIdAsPriority: flags.use_subscriber_id_as_catalogd_priority,
      preemptionWaitMs: flags.catalogd_ha_preemption_wait_period_ms,
    },
    monitoringIntervalMs: flags.active_catalogd_designation_monitoring_interval_ms,
    resendIntervalMs: flags.update_catalogd_rpc_resend_interval_ms,
    role: ha ?? ALWAYS_ACTIVE,
    metrics,
    log,
    debugAction: debugActions.hook,
  });
  catalogdHa.attach(core);
  // Without HA the lone statestored is the active one (Impala: statestore.active-status).
  if (!ha) metrics.isActive.set(1);
  let ready = false;

  const debugNetwork = debugActions.disableNetwork;
  const routes: WebRoutes = new Map<string, WebRoute>([
    // Impala: 503 until the subscriber service is up (with HA, after the role is settled).
    ['GET /healthz', () => (ready ? { status: 200, body: 'OK\n' } : { status: 503, body: 'starting\n' })],
    [
      'GET /metrics',
      async () => {
        refreshTopicGauges(metrics, core);
        return { status: 200, body: await registry.metrics(), contentType: registry.contentType };
      },
    ],
    ['GET /subscribers', () => json(200, subscribersPage(core, Date.now()))],
    ['GET /topics', () => json(200, topicsPage(core))],
    ['GET /ha', () => json(ha ? 200 : 404, ha ? ha.status() : { error: 'statestored HA is not enabled (--enable_statestored_ha)' })],
    // Impala: 404 unless catalogd HA is enabled.
    ['GET /catalog_ha_info', () => {
      const page = catalogdHa.page();
      return page ? json(200, page) : json(404, { error: 'catalogd HA is not enabled (--enable_catalogd_ha)' });
    }],
  ]);
  const web = await startWebServer({ host: flags.webserver_interface, port: flags.webserver_port, routes, log });

  let haServer: RunningGrpcServer | undefined;
  if (ha) {
    haServer = await startGrpcServer('0.0.0.0', flags.state_store_ha_port, [[StatestoreHaServiceService, haPeerService(ha)]]);
    ha.start();
    await ha.settled();
  }
  catalogdHa.start();
  const grpc = await startGrpcServer('0.0.0.0', flags.state_store_port, [[StatestoreServiceService, subscriberService(core, log, debugNetwork)]]);
  ready = true;
  const timers = [
    setInterval(() => core.heartbeatTick(), Math.max(5, Math.min(50, Math.floor(flags.statestore_heartbeat_frequency_ms / 4)))),
    setInterval(() => core.updateTick(true), flags.statestore_priority_update_frequency_ms),
    // The normal loop runs at the priority cadence: its period is enforced per subscriber.
    setInterval(() => core.updateTick(false), Math.min(flags.statestore_priority_update_frequency_ms, flags.statestore_update_frequency_ms)),
  ];

  log.info({ statestoreId: core.statestoreId, grpcPort: grpc.port, webPort: web.port, ha: flags.enable_statestored_ha }, 'statestored started');

  installShutdown(log, [
    () => timers.forEach(clearInterval),
    () => ha?.stop(),
    () => catalogdHa.stop(),
    () => grpc.shutdown(2000),
    () => haServer?.shutdown(1000),
    () => web.close(),
  ]);
}

main().catch((err: unknown) => {
  process.stderr.write(`statestored: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
