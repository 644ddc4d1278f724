/**
 * ClusterRuntime over host processes: libs/cluster's DaemonProcess runs
 * `node dist/apps/<app>/main.js --flag=value`, optionally behind a wrapper (a namespace).
 * Every child is SIGKILLed on process exit or SIGINT/SIGTERM, so a failed or interrupted
 * suite leaves no daemon behind.
 */
import { DaemonProcess } from '@statestore-ha/cluster';
import type { DaemonSpec, FlagValue } from '@statestore-ha/cluster';
import type { ScrapeTarget } from '../prometheus';
import { scrapeTargetsFor } from './cluster-runtime';
import type { ClusterRuntime, DaemonPlacement } from './cluster-runtime';
import { onProcessExit } from './process-exit-hook';

const START_ORDER = ['statestored', 'catalogd', 'impalad'] as const;
const STOP_ORDER = ['impalad', 'catalogd', 'statestored'] as const;

export interface ProcessRuntimeOptions {
  /** Folder holding apps/<app>/main.js. */
  readonly distDir: string;
  /** Each daemon logs to <logDir>/<name>.log (appended across restarts). */
  readonly logDir: string;
  readonly healthyTimeoutMs?: number;
}

export class UnknownDaemonError extends Error {
  override readonly name = 'UnknownDaemonError';
  constructor(readonly daemon: string, known: readonly string[]) {
    super(`no daemon ${daemon} in this cluster (have ${known.join(', ')})`);
  }
}

export class ProcessRuntime implements ClusterRuntime {
  readonly kind = 'process';
  private daemons: DaemonProcess[] = [];
  private placements: ReadonlyMap<string, DaemonPlacement> = new Map();
  private readonly removeExitHook: () => void;

  constructor(private readonly options: ProcessRuntimeOptions) {
    this.removeExitHook = onProcessExit(() => {
      for (const d of this.daemons) d.signal('SIGKILL');
    });
  }

  async start(specs: readonly DaemonSpec[], placements: ReadonlyMap<string, DaemonPlacement>): Promise<void> {
    this.placements = placements;
    this.daemons = specs.map((spec) => {
      const placement = placements.get(spec.name) ?? {};
      return new DaemonProcess(spec, {
        distDir: this.options.distDir,
        logDir: this.options.logDir,
        ...(placement.wrapper ? { wrapper: placement.wrapper } : {}),
        ...(placement.webHost ? { webHost: placement.webHost } : {}),
      });
    });
    for (const app of START_ORDER) {
      const group = this.daemons.filter((d) => d.spec.app === app);
      for (const d of group) d.start();
      await Promise.all(group.map((d) => d.waitHealthy(this.options.healthyTimeoutMs ?? 30_000)));
    }
  }

  async stop(): Promise<void> {
    // Subscribers first, so the statestoreds see clean unregistrations, as libs/cluster does.
    for (const app of STOP_ORDER) {
      await Promise.all(this.daemons.filter((d) => d.spec.app === app).map((d) => d.close()));
    }
    this.removeExitHook();
  }

  names(): string[] {
    return this.daemons.map((d) => d.name);
  }

  spec(name: string): DaemonSpec {
    return this.get(name).spec;
  }

  running(name: string): boolean {
    return this.get(name).running;
  }

  async kill(name: string): Promise<void> {
    await this.get(name).kill();
  }

  pause(name: string): void {
    this.get(name).pause();
  }

  resume(name: string): void {
    this.get(name).resume();
  }

  async restart(name: string, extraFlags: Record<string, FlagValue> = {}): Promise<void> {
    const d = this.get(name);
    if (d.running) await d.stop();
    d.start(extraFlags);
    await d.waitHealthy(this.options.healthyTimeoutMs ?? 30_000);
  }

  webUrl(name: string): string {
    return this.get(name).webUrl;
  }

  logFile(name: string): string {
    return this.get(name).logFile;
  }

  scrapeTargets(labels: Readonly<Record<string, string>> = {}): ScrapeTarget[] {
    return scrapeTargetsFor(
      this.daemons.map((d) => d.spec),
      this.placements,
      labels,
    );
  }

  private get(name: string): DaemonProcess {
    const d = this.daemons.find((x) => x.name === name);
    if (!d) throw new UnknownDaemonError(name, this.names());
    return d;
  }
}
