/**
 * A real Prometheus (Debian's /usr/bin/prometheus, apt package `prometheus`) as a child
 * process: generated config, its own temp storage, a free port on 127.0.0.1, lifecycle API on.
 * `reloadTargets()` rewrites the file_sd file, which Prometheus watches, so a test can add or
 * drop a daemon without restarting or reloading anything.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePorts } from '@statestore-ha/cluster';
import { commonPrometheusFlags, PrometheusFiles, ScrapingPrometheus } from './scraping-prometheus';
import type { PrometheusFilesOptions } from './scraping-prometheus';

export const DEFAULT_PROMETHEUS_BINARY = '/usr/bin/prometheus';

export interface PrometheusServerOptions extends PrometheusFilesOptions {
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

function binaryPath(options: { binary?: string }): string {
  return options.binary ?? process.env['PROMETHEUS_BIN'] ?? DEFAULT_PROMETHEUS_BINARY;
}

/** `prometheus --version`'s first line, or undefined when there is none. */
export function prometheusVersion(binary = binaryPath({})): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]?.trim();
  } catch {
    return undefined;
  }
}

export class PrometheusServer extends ScrapingPrometheus {
  private constructor(
    url: string,
    files: PrometheusFiles,
    private readonly binary: string,
    private readonly child: ChildProcess,
  ) {
    super(url, files);
    child.stdout?.on('data', (chunk: Buffer) => this.keepLog(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.keepLog(chunk));
  }

  static async start(options: PrometheusServerOptions = {}): Promise<PrometheusServer> {
    const binary = binaryPath(options);
    if (!fs.existsSync(binary)) throw new PrometheusUnavailableError(binary);
    const files = PrometheusFiles.create(options);
    const [port] = await freePorts(1);
    const child = spawn(
      binary,
      [
        `--config.file=${files.configFile}`,
        `--storage.tsdb.path=${path.join(files.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...commonPrometheusFlags(files.dir),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, files, binary, child);
    await server.readyOrStop(options.startTimeoutMs ?? 20_000);
    return server;
  }

  async describe(): Promise<string> {
    return `${prometheusVersion(this.binary) ?? (await this.version())} (host process ${this.binary}) at ${this.url}, scrape every ${this.scrapeIntervalMs} ms`;
  }

  /** Stops Prometheus (SIGTERM, SIGKILL after 5 s) and removes its directory. */
  async stop(): Promise<void> {
    if (this.exited() === undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
        this.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        this.child.kill('SIGTERM');
      });
    }
    this.files.remove();
  }

  protected exited(): string | undefined {
    if (this.child.exitCode !== null) return `prometheus exited with code ${this.child.exitCode}`;
    if (this.child.signalCode !== null) return `prometheus was killed by ${this.child.signalCode}`;
    return undefined;
  }
}
