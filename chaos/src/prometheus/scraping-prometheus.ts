/**
 * What a chaos run needs from a Prometheus, wherever it runs (a host process for the process
 * runtime, a container on the run's network for the containers runtime): a config directory
 * with a file_sd targets file the harness rewrites, readiness, the targets' health and a client
 * over the HTTP API. Subclasses only start and stop the server and say whether it died.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PrometheusClient } from './prometheus-client';
import { renderFileSdTargets, renderPrometheusConfig } from './prometheus-config';
import type { ScrapeTarget } from './prometheus-config';

export interface PrometheusFilesOptions {
  readonly targets?: readonly ScrapeTarget[];
  /** Default 250 ms (the harness range is 250-500 ms). */
  readonly scrapeIntervalMs?: number;
  /** Default: the scrape interval. */
  readonly evaluationIntervalMs?: number;
  readonly jobName?: string;
  readonly metricsPath?: string;
  /** Rule files to load (e.g. docker/statestore-alerts.yml); copied into the config directory. */
  readonly ruleFiles?: readonly string[];
}

export class PrometheusStartError extends Error {
  override readonly name = 'PrometheusStartError';
  constructor(message: string, readonly log: string, options?: { cause?: unknown }) {
    super(`${message}\n--- prometheus log (tail) ---\n${log.slice(-2000)}`, options);
  }
}

const CONFIG_FILE = 'prometheus.yml';
const TARGETS_FILE = 'targets.json';

/**
 * The config directory: prometheus.yml and the targets file, on the host. `seenAs` is where
 * Prometheus finds the directory (the same path for a host process, the mount point inside a
 * container), since the config names the targets file by its path.
 */
export class PrometheusFiles {
  readonly configFile: string;
  private readonly targetsFile: string;

  private constructor(
    readonly dir: string,
    readonly scrapeIntervalMs: number,
  ) {
    this.configFile = path.join(dir, CONFIG_FILE);
    this.targetsFile = path.join(dir, TARGETS_FILE);
  }

  static create(options: PrometheusFilesOptions, seenAs?: string): PrometheusFiles {
    const scrapeIntervalMs = options.scrapeIntervalMs ?? 250;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-prometheus-'));
    // A container's Prometheus runs as its image's user (node or nobody), not as us.
    fs.chmodSync(dir, 0o755);
    const files = new PrometheusFiles(dir, scrapeIntervalMs);
    files.reloadTargets(options.targets ?? []);
    // Copied, so a container sees them in the one directory it mounts.
    const ruleFiles = (options.ruleFiles ?? []).map((source, i) => {
      const name = `rules-${i}-${path.basename(source)}`;
      fs.copyFileSync(source, path.join(dir, name));
      fs.chmodSync(path.join(dir, name), 0o644);
      return path.posix.join(seenAs ?? dir, name);
    });
    const config = renderPrometheusConfig({
      jobName: options.jobName ?? 'chaos',
      scrapeIntervalMs,
      evaluationIntervalMs: options.evaluationIntervalMs ?? scrapeIntervalMs,
      metricsPath: options.metricsPath ?? '/metrics',
      targetsFile: path.posix.join(seenAs ?? dir, TARGETS_FILE),
      ruleFiles,
    });
    fs.writeFileSync(files.configFile, config, { mode: 0o644 });
    return files;
  }

  /** Rewrites the targets; write then rename, so Prometheus never reads half a file. */
  reloadTargets(targets: readonly ScrapeTarget[]): void {
    const temp = `${this.targetsFile}.tmp`;
    fs.writeFileSync(temp, renderFileSdTargets(targets), { mode: 0o644 });
    fs.renameSync(temp, this.targetsFile);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Flags both runtimes give Prometheus besides where its config, data and listener are. */
export function commonPrometheusFlags(configDir: string): string[] {
  return [
    '--web.enable-lifecycle',
    // Debian's build looks for consoles under /etc/prometheus; we serve none.
    `--web.console.templates=${configDir}`,
    `--web.console.libraries=${configDir}`,
    '--log.level=warn',
  ];
}

export abstract class ScrapingPrometheus {
  readonly client: PrometheusClient;
  protected log = '';

  protected constructor(
    readonly url: string,
    protected readonly files: PrometheusFiles,
  ) {
    this.client = new PrometheusClient(url);
  }

  get scrapeIntervalMs(): number {
    return this.files.scrapeIntervalMs;
  }

  /** The config directory on the host (removed by stop()). */
  get dir(): string {
    return this.files.dir;
  }

  /** Which Prometheus this is and where, for reports. */
  abstract describe(): Promise<string>;

  /** Stops the server and removes its files. */
  abstract stop(): Promise<void>;

  /** Why the server is gone, or undefined while it may still be running. */
  protected abstract exited(): string | undefined;

  /**
   * Replaces the scrape targets. Prometheus reads the file at once (inotify) but its discovery
   * manager hands target changes to the scrapers at most every 5 s (a constant in 2.42, no
   * flag), so a new target is scraped ~5 s later (measured 4.8 s): use waitForTargetsUp().
   * The same holds for the first targets after start.
   */
  reloadTargets(targets: readonly ScrapeTarget[]): void {
    this.files.reloadTargets(targets);
  }

  /** Resolves once every given address is an active target whose last scrape succeeded. */
  async waitForTargetsUp(addresses: readonly string[], timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const targets = await this.client.activeTargets();
      const up = new Set(targets.filter((t) => t.health === 'up').map((t) => t.labels['instance']));
      if (addresses.every((a) => up.has(a))) return;
      if (Date.now() > deadline) throw new PrometheusStartError(`targets not up within ${timeoutMs} ms: ${JSON.stringify(targets)}`, this.log);
      await sleep(100);
    }
  }

  /** The last 20 kB Prometheus wrote, for failure reports. */
  recentLog(): string {
    return this.log;
  }

  /** Prometheus' own version, from its build-info API. */
  async version(): Promise<string> {
    try {
      const res = await fetch(`${this.url}/api/v1/status/buildinfo`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { data?: { version?: string } };
      return `prometheus ${body.data?.version ?? 'unknown version'}`;
    } catch {
      return 'prometheus (version unknown)';
    }
  }

  protected keepLog(chunk: Buffer | string): void {
    this.log = (this.log + chunk.toString()).slice(-20_000);
  }

  /** Waits for /-/ready; a server that never gets there is stopped (files removed) before the error. */
  protected async readyOrStop(timeoutMs: number): Promise<void> {
    try {
      await this.waitReady(timeoutMs);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const gone = this.exited();
      if (gone !== undefined) throw new PrometheusStartError(gone, this.log);
      try {
        const res = await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new PrometheusStartError(`not ready within ${timeoutMs} ms`, this.log);
      await sleep(100);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
