/**
 * ClusterRuntime over host processes: libs/cluster's DaemonProcess runs
 * `node dist/apps/<app>/main.js --flag=value`, optionally behind a wrapper (a namespace).
 * Every child is SIGKILLed on process exit or SIGINT/SIGTERM, so a failed or interrupted
 * suite leaves no daemon behind.
 */
import { DaemonProcess } from '@statestore-ha/cluster';
import type { DaemonSpec } from '@statestore-ha/cluster';
import type { ClusterRuntime, DaemonPlacement } from './cluster-runtime';
import { DaemonSetRuntime } from './daemon-set-runtime';
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

export class ProcessRuntime extends DaemonSetRuntime<DaemonProcess> implements ClusterRuntime {
  readonly kind = 'process';
  private readonly removeExitHook: () => void;

  constructor(private readonly options: ProcessRuntimeOptions) {
    super(options.healthyTimeoutMs ?? 30_000);
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
      await Promise.all(group.map((d) => d.waitHealthy(this.healthyTimeoutMs)));
    }
  }

  async stop(): Promise<void> {
    // Subscribers first, so the statestoreds see clean unregistrations, as libs/cluster does.
    for (const app of STOP_ORDER) {
      await Promise.all(this.daemons.filter((d) => d.spec.app === app).map((d) => d.close()));
    }
    this.removeExitHook();
  }
}
