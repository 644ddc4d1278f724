/**
 * Prometheus as a container on a containers run's private network, at a fixed address the
 * harness queries directly (the host routes to the bridge, as for toxiproxy's API). It scrapes
 * the daemons at their container addresses from inside the network, as it would in a real
 * deployment, rather than from the host. The config directory is bind-mounted read-only, so
 * the harness rewrites the targets file on the host and Prometheus' inotify sees it inside.
 */
import type { StartedTestContainer } from 'testcontainers';
import { AddressedContainer } from '../runtime';
import { commonPrometheusFlags, PrometheusFiles, ScrapingPrometheus } from './scraping-prometheus';
import type { PrometheusFilesOptions } from './scraping-prometheus';

const CONFIG_MOUNT = '/etc/chaos-prometheus';
const PORT = 9090;

export interface PrometheusContainerOptions extends PrometheusFilesOptions {
  readonly image: string;
  readonly network: string;
  readonly address: string;
  readonly alias: string;
  /** Unique per run, so leftovers of a killed run can be found by name. */
  readonly containerName: string;
  readonly labels: Readonly<Record<string, string>>;
  /** How long to wait for /-/ready; default 30 s. */
  readonly startTimeoutMs?: number;
}

export class PrometheusContainer extends ScrapingPrometheus {
  private logEnded = false;

  private constructor(
    url: string,
    files: PrometheusFiles,
    private readonly image: string,
    private readonly container: StartedTestContainer,
  ) {
    super(url, files);
  }

  static async start(options: PrometheusContainerOptions): Promise<PrometheusContainer> {
    const files = PrometheusFiles.create(options, CONFIG_MOUNT);
    let container: StartedTestContainer;
    try {
      container = await new AddressedContainer(options.image, options.network, options.address, options.alias)
        .withName(options.containerName)
        .withLabels({ ...options.labels })
        .withBindMounts([{ source: files.dir, target: CONFIG_MOUNT, mode: 'ro' }])
        .withCommand([
          `--config.file=${CONFIG_MOUNT}/prometheus.yml`,
          '--storage.tsdb.path=/prometheus',
          `--web.listen-address=0.0.0.0:${PORT}`,
          ...commonPrometheusFlags(CONFIG_MOUNT),
        ])
        .start();
    } catch (error) {
      files.remove();
      throw error;
    }
    const prometheus = new PrometheusContainer(`http://${options.address}:${PORT}`, files, options.image, container);
    prometheus.followLogs();
    await prometheus.readyOrStop(options.startTimeoutMs ?? 30_000);
    return prometheus;
  }

  async describe(): Promise<string> {
    return `${await this.version()} (container ${this.image}) at ${this.url}, scrape every ${this.scrapeIntervalMs} ms`;
  }

  async stop(): Promise<void> {
    await this.container.stop({ timeout: 5, remove: true }).catch(() => undefined);
    this.files.remove();
  }

  protected exited(): string | undefined {
    return this.logEnded ? `the Prometheus container (${this.image}) stopped` : undefined;
  }

  /**
   * The log stream ends when the container stops, which is how an early death shows; a stream
   * that cannot be opened counts as ended too (its error goes into the log tail the start error
   * carries), so waiting for readiness stops at once.
   */
  private followLogs(): void {
    const ended = (): void => {
      this.logEnded = true;
    };
    this.container.logs().then((logs) => {
      logs.on('data', (chunk: Buffer | string) => this.keepLog(chunk));
      logs.on('end', ended);
      logs.on('error', ended);
    }, (error: unknown) => {
      this.keepLog(`cannot follow the container's log: ${String(error)}`);
      ended();
    });
  }
}
