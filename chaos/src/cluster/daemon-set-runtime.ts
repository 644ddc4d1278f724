import type { DaemonSpec, FlagValue } from '@statestore-ha/cluster';
import type { ScrapeTarget } from '../prometheus';
import { scrapeTargetsFor } from './cluster-runtime';
import type { DaemonPlacement } from './cluster-runtime';

/** One daemon as a runtime runs it: a host process (DaemonProcess) or a container. */
export interface RuntimeDaemon {
  readonly spec: DaemonSpec;
  readonly running: boolean;
  readonly webUrl: string;
  readonly logFile: string;
  start(extraFlags?: Record<string, FlagValue>): void | Promise<void>;
  waitHealthy(timeoutMs: number): Promise<void>;
  stop(): Promise<unknown>;
  kill(): Promise<void>;
  /** A host process stops synchronously; a container's freezer is an engine request. */
  pause(): void | Promise<void>;
  resume(): void | Promise<void>;
}

export class UnknownDaemonError extends Error {
  override readonly name = 'UnknownDaemonError';
  constructor(readonly daemon: string, known: readonly string[]) {
    super(`no daemon ${daemon} in this cluster (have ${known.join(', ')})`);
  }
}

/**
 * What every ClusterRuntime does the same way once its daemons exist: look them up by name and
 * pass kill/pause/resume/restart on. The runtimes differ only in how they start and stop them.
 */
export abstract class DaemonSetRuntime<D extends RuntimeDaemon> {
  protected daemons: D[] = [];
  protected placements: ReadonlyMap<string, DaemonPlacement> = new Map();

  protected constructor(protected readonly healthyTimeoutMs: number) {}

  names(): string[] {
    return this.daemons.map((d) => d.spec.name);
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

  async pause(name: string): Promise<void> {
    await this.get(name).pause();
  }

  async resume(name: string): Promise<void> {
    await this.get(name).resume();
  }

  async restart(name: string, extraFlags: Record<string, FlagValue> = {}): Promise<void> {
    const d = this.get(name);
    if (d.running) await d.stop();
    await d.start(extraFlags);
    await d.waitHealthy(this.healthyTimeoutMs);
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

  protected get(name: string): D {
    const d = this.daemons.find((x) => x.spec.name === name);
    if (!d) throw new UnknownDaemonError(name, this.names());
    return d;
  }
}
