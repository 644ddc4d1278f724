/**
 * ClusterRuntime over containers (Podman here; docker/README.md has the commands by hand).
 * Each daemon runs from its image (docker/Dockerfile: `node /app/main.js --flag=value ...`) on
 * one private network (container-network.ts), addressed by its daemon name as a network alias
 * and at a fixed address the harness and Prometheus reach directly. The engine CLI runs
 * attached (`podman run` without -d), so its stdout is the daemon's log, appended to
 * <logDir>/<name>.log as with ProcessRuntime, and its exit is the container's.
 *
 * Process faults map to the engine: kill = `kill -s KILL` (a crash), pause = `pause` (the
 * cgroup freezer: the process keeps its sockets and says nothing, as SIGSTOP does), restart =
 * a fresh container with the same name, address and flags (plus the extra ones).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import { flagArgs } from '@statestore-ha/cluster';
import type { AppName, DaemonSpec, FlagValue } from '@statestore-ha/cluster';
import type { ClusterRuntime } from './cluster-runtime';
import { CHAOS_LABEL, engineSyncQuietly, ENGINE_CLI, runEngine } from './container-network';
import type { ContainerNetwork } from './container-network';
import { onProcessExit } from './process-exit-hook';
import { DaemonSetRuntime } from './daemon-set-runtime';

const START_ORDER = ['statestored', 'catalogd', 'impalad'] as const;
const STOP_ORDER = ['impalad', 'catalogd', 'statestored'] as const;
/** Seconds `stop` waits after SIGTERM before SIGKILL (the daemons handle SIGTERM as PID 1). */
const STOP_TIMEOUT_S = 5;

export interface ContainersRuntimeOptions {
  readonly network: ContainerNetwork;
  /** The image of each app, built from this checkout's dist (container-lab.ts). */
  readonly images: Readonly<Record<AppName, string>>;
  readonly logDir: string;
  readonly healthyTimeoutMs?: number;
}

interface Exit {
  readonly code: number | null;
  readonly signal: string | null;
}

class DaemonContainer {
  private child: ChildProcess | undefined;
  private exit: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  private log: WriteStream | undefined;
  private extraFlags: Record<string, FlagValue> = {};
  paused = false;

  constructor(
    readonly spec: DaemonSpec,
    readonly containerName: string,
    readonly address: string,
    private readonly options: ContainersRuntimeOptions,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get logFile(): string {
    return join(this.options.logDir, `${this.spec.name}.log`);
  }

  get webUrl(): string {
    return `http://${this.address}:${this.spec.webPort}`;
  }

  async start(extraFlags: Record<string, FlagValue> = {}): Promise<void> {
    if (this.running) throw new Error(`${this.spec.name} is already running`);
    this.extraFlags = { ...this.extraFlags, ...extraFlags };
    // A killed container still exists under its name until removed.
    await runEngine(['rm', '-f', '-t', '0', this.containerName]).catch(() => undefined);
    mkdirSync(this.options.logDir, { recursive: true });
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    const flags = {
      ...this.spec.flags,
      // The address others reach this daemon at is its alias: subscriber ids
      // (impalad@host:port) and the statestored's HA address priority compare it.
      hostname: this.spec.name,
      webserver_interface: '0.0.0.0',
      ...this.extraFlags,
    };
    const args = [
      'run',
      '--name', this.containerName,
      '--label', `${CHAOS_LABEL}=${process.pid}`,
      '--network', this.options.network.name,
      '--network-alias', this.spec.name,
      '--ip', this.address,
      '--stop-timeout', String(STOP_TIMEOUT_S),
      // The host's pid namespace: in its own, node is PID 1 in every incarnation, and the
      // Prometheus agreement check tells a restarted daemon's counters from the old one's by the
      // pid in its log lines (history/prometheus-agreement.ts checkCounters; crash kill-active
      // failed on exactly that). Network, filesystem and cgroup stay the container's own.
      '--pid=host',
      '--pull=never',
      this.options.images[this.spec.app],
      ...flagArgs(flags),
    ];
    const child = spawn(ENGINE_CLI, args, { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.paused = false;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        const e = await this.exit;
        throw new Error(`${this.spec.name} (container ${this.containerName}) exited (code ${e.code}, signal ${e.signal}) before it was healthy; see ${this.logFile}`);
      }
      try {
        const res = await fetch(`${this.webUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.spec.name} was not healthy at ${this.webUrl} within ${timeoutMs} ms; see ${this.logFile}`);
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    await runEngine(['kill', '-s', 'KILL', this.containerName]).catch(() => undefined);
    this.paused = false;
    await this.exit;
  }

  pause(): void {
    if (this.running && !this.paused) this.paused = engineSyncQuietly(['pause', this.containerName]);
  }

  resume(): void {
    if (this.paused) this.paused = !engineSyncQuietly(['unpause', this.containerName]);
  }

  /** SIGTERM (unpaused first: a frozen process handles nothing), SIGKILL after the timeout. */
  async stop(): Promise<void> {
    if (this.running) {
      if (this.paused) await runEngine(['unpause', this.containerName]).catch(() => undefined);
      this.paused = false;
      await runEngine(['stop', '-t', String(STOP_TIMEOUT_S), this.containerName], (STOP_TIMEOUT_S + 10) * 1000).catch(() => undefined);
      await this.exit;
    }
    await runEngine(['rm', '-f', '-t', '0', this.containerName]).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => (this.log ? this.log.end(() => resolve()) : resolve()));
    this.log = undefined;
  }
}

export class ContainersRuntime extends DaemonSetRuntime<DaemonContainer> implements ClusterRuntime {
  readonly kind = 'containers';
  private readonly removeExitHook: () => void;

  constructor(private readonly options: ContainersRuntimeOptions) {
    super(options.healthyTimeoutMs ?? 30_000);
    this.removeExitHook = onProcessExit(() => {
      const names = this.daemons.map((d) => d.containerName);
      if (names.length > 0) engineSyncQuietly(['rm', '-f', '-t', '0', ...names]);
    });
  }

  /**
   * Placements from the fault injector are not needed: a container's address (and so its web
   * host) comes from the network's plan, which the injector's route() also used.
   */
  async start(specs: readonly DaemonSpec[]): Promise<void> {
    const addresses = this.options.network.addresses;
    this.placements = new Map(specs.map((s) => [s.name, { webHost: addresses.addressOf(s.name) }]));
    this.daemons = specs.map((spec) => new DaemonContainer(spec, this.options.network.containerName(spec.name), addresses.addressOf(spec.name), this.options));
    for (const app of START_ORDER) {
      const group = this.daemons.filter((d) => d.spec.app === app);
      for (const d of group) await d.start();
      await Promise.all(group.map((d) => d.waitHealthy(this.healthyTimeoutMs)));
    }
  }

  async stop(): Promise<void> {
    // Subscribers first, so the statestoreds see clean unregistrations, as ProcessRuntime does.
    for (const app of STOP_ORDER) {
      await Promise.all(this.daemons.filter((d) => d.spec.app === app).map((d) => d.close()));
    }
    this.removeExitHook();
  }

  /** The container's address on the run's network. */
  address(name: string): string {
    return this.get(name).address;
  }
}
