import { randomInt, randomUUID } from 'node:crypto';
import { statestoredFlags, type StatestoredFlags } from '@statestore-ha/config';
import { createLogger, installShutdown, json, parseFlagsOrExit, startWebServer, type Logger, type WebRoute, type WebRoutes } from '@statestore-ha/daemon';
import { createRegistry, createStatestoredMetrics, type StatestoredMetrics } from '@statestore-ha/metrics';
import { StatestoreHaServiceService, StatestoreServiceService } from '@statestore-ha/proto';
import {
  catalogHaInfoPage,
  haPage,
  nodeConfigFromFlags,
  roleSettled,
  subscribersPage,
  topicsOf,
  topicsPage,
  type NodeConfig,
} from '@statestore-ha/statestored-node';
import { GrpcHaPeerClient, haPeerService } from './grpc-ha-transport';
import { startGrpcServer, type RunningGrpcServer } from './grpc-server';
import { NodeRunner } from './node-runner';
import { subscriberService } from './subscriber-service';

/**
 * Test-only --debug_actions are loud: a warning at start naming each, and a metric while set, so
 * nobody runs one in production unawares (Impala logs every debug action it fires).
 */
function announceDebugActions(config: NodeConfig, metrics: StatestoredMetrics, log: Logger): void {
  const d = config.debugActions;
  const entries = [
    ...(d.disableStatestoreNetwork ? ['DISABLE_STATESTORE_NETWORK'] : []),
    ...(d.unsafeSkipMajorityCheck ? ['STATESTORE_HA_UNSAFE_SKIP_MAJORITY_CHECK'] : []),
    ...d.actions.map((a) => a.label),
  ];
  for (const action of entries) {
    metrics.debugActionEnabled.set({ action }, 1);
    log.warn({ action }, 'TEST-ONLY debug action enabled: this statestored is not fit for production');
  }
}

/** Topic sizes are read when scraped, not kept up to date on every write (the topic set is small). */
function refreshTopicGauges(metrics: StatestoredMetrics, runner: NodeRunner): void {
  for (const t of topicsOf(runner.state)) {
    const st = t.stats();
    metrics.topicEntries.set({ topic: t.name }, st.numEntries);
    metrics.topicSizeBytes.set({ topic: t.name }, st.totalSizeBytes);
  }
}

function nodeConfig(flags: StatestoredFlags, statestoreId: string): NodeConfig {
  return nodeConfigFromFlags(flags, {
    statestoreId,
    selfHaAddress: `${flags.hostname}:${flags.state_store_ha_port}`,
    peerHaAddress: `${flags.state_store_peer_host}:${flags.state_store_peer_ha_port}`,
  });
}

async function main(): Promise<void> {
  const flags = parseFlagsOrExit(statestoredFlags, process.argv.slice(2));
  const log = createLogger('statestored', flags.log_level);
  const registry = createRegistry('statestored');
  const metrics = createStatestoredMetrics(registry);
  // Impala: a random UUID created once per process.
  const statestoreId = randomUUID();
  const config = nodeConfig(flags, statestoreId);
  announceDebugActions(config, metrics, log);
  const peer = config.ha
    ? new GrpcHaPeerClient({
        peerAddress: `${flags.state_store_peer_host}:${flags.state_store_peer_ha_port}`,
        rpcTimeoutMs: flags.statestore_ha_client_rpc_timeout_ms,
        connTimeoutMs: flags.statestore_ha_client_rpc_conn_timeout_ms,
        statestoreId,
      })
    : null;
  const runner = new NodeRunner({ config, seed: randomInt(2 ** 32), peer, metrics, log });

  let serving = false;
  const routes: WebRoutes = new Map<string, WebRoute>([
    // Impala: 503 until the subscriber service is up (with HA, after the role is settled).
    ['GET /healthz', () => (serving && roleSettled(runner.state) ? { status: 200, body: 'OK\n' } : { status: 503, body: 'starting\n' })],
    [
      'GET /metrics',
      async () => {
        refreshTopicGauges(metrics, runner);
        return { status: 200, body: await registry.metrics(), contentType: registry.contentType };
      },
    ],
    ['GET /subscribers', () => json(200, subscribersPage(runner.state, Date.now()))],
    ['GET /topics', () => json(200, topicsPage(runner.state))],
    [
      'GET /ha',
      () => {
        const page = haPage(runner.state, Date.now());
        return page ? json(200, page) : json(404, { error: 'statestored HA is not enabled (--enable_statestored_ha)' });
      },
    ],
    // Impala: 404 unless catalogd HA is enabled.
    [
      'GET /catalog_ha_info',
      () => {
        const page = catalogHaInfoPage(runner.state);
        return page ? json(200, page) : json(404, { error: 'catalogd HA is not enabled (--enable_catalogd_ha)' });
      },
    ],
  ]);
  const web = await startWebServer({ host: flags.webserver_interface, port: flags.webserver_port, routes, log });

  let haServer: RunningGrpcServer | undefined;
  const haService = haPeerService(runner, statestoreId);
  if (config.ha) haServer = await startGrpcServer('0.0.0.0', flags.state_store_ha_port, [[StatestoreHaServiceService, haService.service]]);
  runner.start();
  await runner.settled();
  const grpc = await startGrpcServer('0.0.0.0', flags.state_store_port, [
    [StatestoreServiceService, subscriberService(runner, log, config.debugActions.disableStatestoreNetwork, statestoreId)],
  ]);
  serving = true;
  log.info({ statestoreId, grpcPort: grpc.port, webPort: web.port, ha: flags.enable_statestored_ha }, 'statestored started');

  installShutdown(log, [() => runner.stop(), () => haService.endWatches(), () => grpc.shutdown(2000), () => haServer?.shutdown(1000), () => web.close()]);
}

main().catch((err: unknown) => {
  process.stderr.write(`statestored: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
