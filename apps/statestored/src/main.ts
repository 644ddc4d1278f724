import { ConfigErrors, parseDebugActions, statestoredFlags, type StatestoredFlags } from '@statestore-ha/config';
import { createLogger, installShutdown, json, startWebServer, type WebRoute, type WebRoutes } from '@statestore-ha/daemon';
import { createRegistry, createStatestoredMetrics } from '@statestore-ha/metrics';
import { StatestoreServiceService } from '@statestore-ha/proto';
import { startGrpcServer } from './grpc-server';
import { metricsObserver, refreshTopicGauges } from './metrics-observer';
import { ALWAYS_ACTIVE } from './role-view';
import { Statestore } from './statestore';
import { subscriberService } from './subscriber-service';
import { subscribersPage, topicsPage } from './web-pages';

function parseFlags(argv: string[]): StatestoredFlags {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${statestoredFlags.help()}\n`);
    process.exit(0);
  }
  try {
    return statestoredFlags.parse(argv);
  } catch (err) {
    if (err instanceof ConfigErrors) {
      for (const e of err.errors) process.stderr.write(`statestored: ${e.message}\n`);
      process.stderr.write('statestored: see --help for every flag, its default and range\n');
      process.exit(2);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const log = createLogger('statestored', flags.log_level);
  const registry = createRegistry('statestored');
  const metrics = createStatestoredMetrics(registry);
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
    ALWAYS_ACTIVE,
    metricsObserver(metrics),
    log,
  );

  const debugActions = parseDebugActions(flags.debug_actions);
  const debugNetwork = debugActions.ok && debugActions.value.disableStatestoreNetwork;
  const grpc = await startGrpcServer('0.0.0.0', flags.state_store_port, [[StatestoreServiceService, subscriberService(core, log, debugNetwork)]]);
  const timers = [
    setInterval(() => core.heartbeatTick(), Math.max(5, Math.min(50, Math.floor(flags.statestore_heartbeat_frequency_ms / 4)))),
    setInterval(() => core.updateTick(true), flags.statestore_priority_update_frequency_ms),
    setInterval(() => core.updateTick(false), flags.statestore_update_frequency_ms),
  ];

  const routes: WebRoutes = new Map<string, WebRoute>([
    ['GET /healthz', () => ({ status: 200, body: 'OK\n' })],
    [
      'GET /metrics',
      async () => {
        refreshTopicGauges(metrics, core);
        return { status: 200, body: await registry.metrics(), contentType: registry.contentType };
      },
    ],
    ['GET /subscribers', () => json(200, subscribersPage(core, Date.now()))],
    ['GET /topics', () => json(200, topicsPage(core))],
  ]);
  const web = await startWebServer({ host: flags.webserver_interface, port: flags.webserver_port, routes, log });
  log.info({ statestoreId: core.statestoreId, grpcPort: grpc.port, webPort: web.port, ha: flags.enable_statestored_ha }, 'statestored started');

  installShutdown(log, [
    () => timers.forEach(clearInterval),
    () => grpc.shutdown(2000),
    () => web.close(),
  ]);
}

main().catch((err: unknown) => {
  process.stderr.write(`statestored: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
