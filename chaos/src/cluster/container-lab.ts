/**
 * What a `--runtime=containers` suite sets up once and tears down at the end: the engine
 * (Docker, or Podman's service, which chaos/src/runtime starts where none answers; driven
 * through testcontainers and the Docker API), images built from this checkout's dist (so a run
 * never tests stale code), one private network, and toxiproxy and Prometheus as containers on
 * it (Prometheus scrapes the daemons from inside the network, as in a deployment). Scenarios
 * then get a ContainersRuntime per cluster, and either ContainerFirewallLinkFaults (DROP rules
 * in each container's namespace) or ToxiproxyLinkFaults that route every link through its own
 * proxy inside that container:
 *   subscriber --> toxiproxy:<port A> --> statestored-1:<state_store_port>
 *   statestored-1 --> toxiproxy:<port B> --> statestored-2:<state_store_ha_port>
 * No registry is reachable here (shared/reference/environment.md): on Podman every build and
 * run uses local images only (the base image from build-base-image.sh).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppName } from '@statestore-ha/cluster';
import { runCommand } from '../netfault';
import { PrometheusContainer } from '../prometheus';
import { AddressedContainer, buildImage, ensureContainerEngine, resolveBaseImage, resolvePrometheusImage, resolveToxiproxyImage, TOXIPROXY_IMAGE_API_PORT } from '../runtime';
import type { ContainerEngine, ToxiproxyImage } from '../runtime';
import { ContainerNetwork, ownLabels, sweepStaleContainers } from './container-network';
import { ContainerFirewallLinkFaults } from './container-firewall-link-faults';
import { ContainersRuntime } from './containers-runtime';
import { onProcessExit } from './process-exit-hook';
import { ToxiproxyLinkFaults } from './toxiproxy-link-faults';

const APPS: readonly AppName[] = ['statestored', 'catalogd', 'impalad'];
const TOXIPROXY_ALIAS = 'toxiproxy';
const PROMETHEUS_ALIAS = 'prometheus';

export class ContainerLabUnavailableError extends Error {
  override readonly name = 'ContainerLabUnavailableError';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`containers runtime unavailable: ${reason}`, options);
  }
}

export interface ContainerLabOptions {
  /** The checkout (paths from __dirname break once the CLI is bundled into dist/chaos/cli). */
  readonly repoRoot: string;
  /** Our built stand-in (dist/chaos/toxiproxy/main.js, from `nx run chaos:build-cli`), for its image when no real server can be had. */
  readonly toxiproxyMainJs: string | undefined;
  readonly log: (line: string) => void;
  /** Tag of the images built for this run (from <repo>/dist/apps, as stage-image-context.sh stages). */
  readonly imageTag?: string;
}

export class ContainerLab {
  /** The toxiproxy image started for this lab, once the first toxiproxy suite asked for it. */
  private toxiproxy: ToxiproxyImage | undefined;
  /** The kernel link faults handed out, so a restarted container gets its cuts back. */
  private firewall: ContainerFirewallLinkFaults | undefined;
  private readonly removeExitHook: () => void;

  private constructor(
    readonly engine: ContainerEngine,
    readonly network: ContainerNetwork,
    readonly images: Readonly<Record<AppName, string>>,
    private readonly options: ContainerLabOptions,
    private readonly baseImage: string,
  ) {
    this.removeExitHook = onProcessExit(() => network.removeSync());
  }

  /** Engine, images (~25 s warm on Podman) and network; throws ContainerLabUnavailableError with the reason. */
  static async open(options: ContainerLabOptions): Promise<ContainerLab> {
    const found = await ensureContainerEngine(options.repoRoot);
    if (!found.ok) throw new ContainerLabUnavailableError(found.reason);
    const swept = await sweepStaleContainers();
    if (swept > 0) options.log(`containers: removed ${swept} container(s)/network(s) left by earlier runs`);
    const base = await resolveBaseImage(found.engine, options.repoRoot);
    const tag = options.imageTag ?? 'chaos';
    const images = await buildDaemonImages(options.repoRoot, base, tag);
    const network = await ContainerNetwork.create(`chaos-${process.pid}-${Date.now() % 1_000_000}`);
    options.log(`containers: ${found.engine.kind} ${found.engine.version}, network ${network.name} (${network.addresses.subnet}, internal), images ${Object.values(images).join(' ')} on ${base}`);
    return new ContainerLab(found.engine, network, images, options, base);
  }

  runtime(logDir: string): ContainersRuntime {
    return new ContainersRuntime({ network: this.network, images: this.images, logDir, onStarted: (daemon) => this.firewall?.restarted(daemon) ?? Promise.resolve() });
  }

  /**
   * Starts the toxiproxy container (once per lab) and returns LinkFaults whose proxies live in
   * it: Shopify's server whenever it can be had (runtime/toxiproxy-image.ts), else our stand-in.
   * The harness drives its API on the container's address; ToxiproxyLinkFaults.close() only
   * resets it (external mode), close() below removes the container.
   */
  async toxiproxyFaults(): Promise<ToxiproxyLinkFaults> {
    const address = this.network.addresses.addressOf(TOXIPROXY_ALIAS);
    const container = this.network.containerName(TOXIPROXY_ALIAS);
    if (!this.toxiproxy) {
      const image = await resolveToxiproxyImage({
        engine: this.engine,
        repoRoot: this.options.repoRoot,
        baseImage: this.baseImage,
        mainJs: this.options.toxiproxyMainJs,
        tag: this.options.imageTag ?? 'chaos',
      });
      this.options.log(`containers: toxiproxy ${image.origin}`);
      await new AddressedContainer(image.image, this.network.name, address, TOXIPROXY_ALIAS)
        .withName(container)
        .withLabels(ownLabels())
        // Shopify's server logs every request below warn; ours ignores the variable.
        .withEnvironment({ LOG_LEVEL: 'warn' })
        .start();
      this.toxiproxy = image;
    }
    const url = `http://${address}:${TOXIPROXY_IMAGE_API_PORT}`;
    await waitForHttp(`${url}/version`, 15_000);
    const addresses = this.network.addresses;
    return ToxiproxyLinkFaults.start(
      { env: { TOXIPROXY_URL: url }, origin: `container ${this.toxiproxy.origin}` },
      { proxyHost: TOXIPROXY_ALIAS, listenHost: '0.0.0.0', upstreamHost: (daemon) => daemon, webHost: (daemon) => addresses.addressOf(daemon) },
    );
  }

  /**
   * Starts Prometheus as a container on the run's network ($CHAOS_PROMETHEUS_IMAGE, the official
   * image on Docker, Debian's binary on the local base image on Podman); stop() removes it.
   */
  async prometheus(scrapeIntervalMs: number, ruleFiles: readonly string[] = []): Promise<PrometheusContainer> {
    const image = await resolvePrometheusImage({ engine: this.engine, repoRoot: this.options.repoRoot, baseImage: this.baseImage });
    return PrometheusContainer.start({
      image,
      scrapeIntervalMs,
      ruleFiles,
      network: this.network.name,
      address: this.network.addresses.addressOf(PROMETHEUS_ALIAS),
      alias: PROMETHEUS_ALIAS,
      containerName: this.network.containerName(PROMETHEUS_ALIAS),
      labels: ownLabels(),
    });
  }

  /** Kernel-level cuts inside each daemon's container (root only: nsenter + iptables). */
  firewallFaults(): ContainerFirewallLinkFaults {
    this.firewall = ContainerFirewallLinkFaults.create(this.network);
    return this.firewall;
  }

  /** Removes every container of this run and the network. */
  async close(): Promise<void> {
    await this.network.remove();
    this.removeExitHook();
  }
}

async function buildDaemonImages(repoRoot: string, baseImage: string, tag: string): Promise<Record<AppName, string>> {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-image-context-'));
  try {
    await runCommand(['bash', path.join(repoRoot, 'chaos', 'scripts', 'stage-image-context.sh'), context], { timeoutMs: 300_000 });
    // In parallel: through the API, Podman 4.3 takes ~10 s per image even with every layer
    // cached (its CLI ~3 s), and the three overlap well on two cores (~17 s for all).
    const built = await Promise.all(APPS.map((app) => buildImage({ context, dockerfile: 'Dockerfile', tag: `localhost/statestore-ha/${app}:${tag}`, buildArgs: { BASE_IMAGE: baseImage, APP: app } })));
    return Object.fromEntries(APPS.map((app, i) => [app, built[i]])) as Record<AppName, string>;
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ContainerLabUnavailableError(`${url} did not answer within ${timeoutMs} ms`);
}
