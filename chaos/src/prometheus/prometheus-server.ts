/**
 * A real Prometheus (Debian's /usr/bin/prometheus, apt package `prometheus`) as a child
 * process: generated config, its own temp storage, a free port on 127.0.0.1, lifecycle API on.
 * `reloadTargets()` rewrites the file_sd file, which Prometheus watches, so a test can add or
 * drop a daemon without restarting or reloading anything.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePorts } from '@statestore-ha/cluster';
import { PrometheusClient } from './prometheus-client';
import { renderFileSdTargets, renderPrometheusConfig } from './prometheus-config';
import type { ScrapeTarget } from './prometheus-config';

export const DEFAULT_PROMETHEUS_BINARY = '/usr/bin/prometheus';

export interface PrometheusServerOptions {
  readonly targets?: readonly ScrapeTarget[];
  /** Default 250 ms (the harness range is 250-500 ms). */
  readonly scrapeIntervalMs?: number;
  /** Default: the scrape interval. */
  readonly evaluationIntervalMs?: number;
  readonly jobName?: string;
  readonly metricsPath?: string;
  /** Default /usr/bin/prometheus, or $PROMETHEUS_BIN. */
  readonly binary?: string;
  /** How long to wait for /-/ready; default 20 s. */
  readonly startTimeoutMs?: number;
}

export class PrometheusUnavailableError extends Error {
  override readonly name = 'PrometheusUnavailableError';
  constructor(readonly binary: string) {
    super(`no Prometheus at ${binary}: apt-get install prometheus (chaos/scripts/install-deps.sh) or set PROMETHEUS_BIN`);
  }
}

export class PrometheusStartError extends Error {
  override readonly name = 'PrometheusStartError';
  constructor(message: string, readonly log: string, options?: { cause?: unknown }) {
    super(`${message}\n--- prometheus log (tail) ---\n${log.slice(-2000)}`, options);
  }
}

function binaryPath(options: PrometheusServerOptions): string {
  return options.binary ?? process.env['PROMETHEUS_BIN'] ?? DEFAULT_PROMETHEUS_BINARY;
}

/** `prometheus --version`'s first line, or undefined when there is none. */
export function prometheusVersion(binary = process.env['PROMETHEUS_BIN'] ?? DEFAULT_PROMETHEUS_BINARY): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]?.trim();
  } catch {
    return undefined;
  }
}

export class PrometheusServer {
  readonly client: PrometheusClient;
  private log = '';

  private constructor(
    readonly url: string,
    readonly dir: string,
    readonly scrapeIntervalMs: number,
    private readonly targetsFile: string,
    private readonly child: ChildProcess,
  ) {
    this.client = new PrometheusClient(url);
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(options: PrometheusServerOptions = {}): Promise<PrometheusServer> {
    const binary = binaryPath(options);
    if (!fs.existsSync(binary)) throw new PrometheusUnavailableError(binary);
    const scrapeIntervalMs = options.scrapeIntervalMs ?? 250;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-prometheus-'));
    const targetsFile = path.join(dir, 'targets.json');
    const configFile = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(targetsFile, renderFileSdTargets(options.targets ?? []));
    fs.writeFileSync(
      configFile,
      renderPrometheusConfig({
        jobName: options.jobName ?? 'chaos',
        scrapeIntervalMs,
        evaluationIntervalMs: options.evaluationIntervalMs ?? scrapeIntervalMs,
        metricsPath: options.metricsPath ?? '/metrics',
        targetsFile,
      }),
    );
    const [port] = await freePorts(1);
    const child = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        // Debian's build looks for consoles under /etc/prometheus; we serve none.
        `--web.console.templates=${dir}`,
        `--web.console.libraries=${dir}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, dir, scrapeIntervalMs, targetsFile, child);
    try {
      await server.waitReady(options.startTimeoutMs ?? 20_000);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /**
   * Replaces the scrape targets. Prometheus reads the file at once (inotify) but its discovery
   * manager hands target changes to the scrapers at most every 5 s (a constant in 2.42, no
   * flag), so a new target is scraped ~5 s later (measured 4.8 s): use waitForTargetsUp().
   * The same holds for the first targets after start.
   */
  reloadTargets(targets: readonly ScrapeTarget[]): void {
    // Write then rename, so Prometheus never reads half a file.
    const temp = `${this.targetsFile}.tmp`;
    fs.writeFileSync(temp, renderFileSdTargets(targets));
    fs.renameSync(temp, this.targetsFile);
  }

  /** Resolves once every given address is an active target whose last scrape succeeded. */
  async waitForTargetsUp(addresses: readonly string[], timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const targets = await this.client.activeTargets();
      const up = new Set(targets.filter((t) => t.health === 'up').map((t) => t.labels['instance']));
      if (addresses.every((a) => up.has(a))) return;
      if (Date.now() > deadline) throw new PrometheusStartError(`targets not up within ${timeoutMs} ms: ${JSON.stringify(targets)}`, this.log);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The last 20 kB Prometheus wrote, for failure reports. */
  recentLog(): string {
    return this.log;
  }

  /** Stops Prometheus (SIGTERM, SIGKILL after 5 s) and removes its directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
        this.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        this.child.kill('SIGTERM');
      });
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new PrometheusStartError(`prometheus exited with code ${this.child.exitCode}`, this.log);
      try {
        const res = await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new PrometheusStartError(`not ready within ${timeoutMs} ms`, this.log);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
