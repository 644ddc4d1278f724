/**
 * ClusterRuntime over containers, through testcontainers and the Docker API it found (Docker,
 * or Podman through DOCKER_HOST; docker/README.md has the commands by hand). Each daemon runs
 * from its image (docker/Dockerfile: `node /app/main.js --flag=value ...`) on one private
 * network (container-network.ts), addressed by its daemon name as a network alias and at a
 * fixed address the harness and Prometheus reach directly. Its output is appended to
 * <logDir>/<name>.log as with ProcessRuntime.
 *
 * Process faults map to the engine: kill = SIGKILL (a crash), pause = the cgroup freezer (the
 * process keeps its sockets and says nothing, as SIGSTOP does), restart = a fresh container
 * with the same name, address and flags (plus the extra ones).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { flagArgs } from '@statestore-ha/cluster';
import type { AppName, DaemonSpec, FlagValue } from '@statestore-ha/cluster';
import { AddressedContainer, engineApi, ignoreStatus, purgeSync } from '../runtime';
import type { EngineContainer } from '../runtime';
import type { ClusterRuntime } from './cluster-runtime';
import { ownLabels } from './container-network';
import type { ContainerNetwork } from './container-network';
import { onProcessExit } from './process-exit-hook';
import { DaemonSetRuntime } from './daemon-set-runtime';

const START_ORDER = ['statestored', 'catalogd', 'impalad'] as const;
const STOP_ORDER = ['impalad', 'catalogd', 'statestored'] as const;
/** Seconds `stop` waits after SIGTERM before SIGKILL (the daemons handle SIGTERM as PID 1). */
const STOP_TIMEOUT_S = 5;
const DEFAULT_HEALTHY_TIMEOUT_MS = 30_000;
const LOG_TAIL_CHARS = 1500;
/** How long close() lets a stopped container's log stream drain into the file. */
const LOG_DRAIN_MS = 2000;

export interface ContainersRuntimeOptions {
  readonly network: ContainerNetwork;
  /** The image of each app, built from this checkout's dist (container-lab.ts). */
  readonly images: Readonly<Record<AppName, string>>;
  readonly logDir: string;
  readonly healthyTimeoutMs?: number;
  /**
   * Runs once a daemon's container runs, before it is healthy: a restart gives it a fresh network
   * namespace, and the link faults in force are put back there (container-lab.ts).
   */
  readonly onStarted?: (daemon: string) => Promise<void>;
}

/**
 * A container started again at an address gets the same MAC (AddressedContainer derives it from
 * the address), so peers' neighbour tables stay right. An engine that ignores the requested MAC
 * (Docker API < 1.44) gives a new one, and the host and the other containers may keep the old:
 * measured here with random MACs, /healthz went unanswered for 30 s after a restart while the
 * host's `ip neigh` still said PROBE with the dead MAC. Dropping the entry (on the host, and
 * through nsenter in each other container's namespace, `pids`) makes the next packet ask again.
 * Best effort: only root may, and only where the host routes to the network itself.
 */
function forgetNeighbour(address: string, pids: readonly number[]): void {
  if (process.getuid?.() !== 0) return;
  const flush = ['ip', 'neigh', 'flush', 'to', address];
  spawnSync(flush[0] as string, flush.slice(1), { stdio: 'ignore', timeout: 5000 });
  for (const pid of pids) spawnSync('nsenter', ['-t', String(pid), '-n', ...flush], { stdio: 'ignore', timeout: 5000 });
}

/**
 * The container's exit status once it stops (null when the engine cannot say). wait() with its
 * default condition makes Podman 4.3's service poll without pause (a core for five containers,
 * measured); `next-exit` costs nothing there but misses an exit before the request arrives, a
 * window the log stream covers: it ends when the container stops, early death included.
 */
function watchExit(container: EngineContainer, logsEnded: Promise<void>): Promise<number | null> {
  const waited = container.wait({ condition: 'next-exit' }).then(
    (r: { StatusCode?: number }) => r.StatusCode ?? null,
    () => null,
  );
  const stoppedByLogs = logsEnded
    .then(() => container.inspect())
    .then(
      (info) => (info.State.Running ? new Promise<never>(() => undefined) : info.State.ExitCode),
      () => null,
    );
  return Promise.race([waited, stoppedByLogs]);
}

class DaemonContainer {
  private container: EngineContainer | undefined;
  private exited = true;
  /** The engine's exit status (137 after SIGKILL); null when the engine could not say. */
  private exit: Promise<number | null> = Promise.resolve(null);
  private log: WriteStream | undefined;
  /** Each incarnation's log stream; it ends when its container stops. */
  private readonly logStreams = new Set<Readable>();
  private extraFlags: Record<string, FlagValue> = {};
  paused = false;
  /** The daemon's pid on the host (the containers share the host's pid namespace). */
  pid: number | undefined;

  constructor(
    readonly spec: DaemonSpec,
    readonly containerName: string,
    readonly address: string,
    private readonly options: ContainersRuntimeOptions,
    private readonly neighbours: () => readonly DaemonContainer[],
  ) {}

  get running(): boolean {
    return !this.exited;
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
    const api = await engineApi();
    // A killed container still holds its name until removed.
    await api.getContainer(this.containerName).remove({ force: true }).catch(ignoreStatus(404));
    mkdirSync(this.options.logDir, { recursive: true });
    const log = (this.log ??= createWriteStream(this.logFile, { flags: 'a' }));
    const flags = {
      ...this.spec.flags,
      // The address others reach this daemon at is its alias: subscriber ids
      // (impalad@host:port) and the statestored's HA address priority compare it.
      hostname: this.spec.name,
      webserver_interface: '0.0.0.0',
      ...this.extraFlags,
    };
    let logsEnded: Promise<void> = Promise.resolve();
    const started = await new AddressedContainer(this.options.images[this.spec.app], this.options.network.name, this.address, this.spec.name)
      .withHostPidNamespace()
      .withName(this.containerName)
      .withLabels(ownLabels())
      .withCommand(flagArgs(flags))
      .withLogConsumer((stream) => (logsEnded = this.follow(stream, log)))
      .withStartupTimeout(this.options.healthyTimeoutMs ?? DEFAULT_HEALTHY_TIMEOUT_MS)
      .start();
    const container = api.getContainer(started.getId());
    this.container = container;
    this.exited = false;
    this.paused = false;
    this.exit = watchExit(container, logsEnded);
    void this.exit.then(() => {
      if (this.container === container) this.exited = true;
    });
    this.pid = (await container.inspect()).State.Pid;
    forgetNeighbour(this.address, this.neighbours().flatMap((d) => (d !== this && d.running && d.pid !== undefined ? [d.pid] : [])));
    await this.options.onStarted?.(this.spec.name);
  }

  /** Appends the stream to the log file; resolves when it ends. */
  private follow(stream: Readable, log: WriteStream): Promise<void> {
    this.logStreams.add(stream);
    stream.pipe(log, { end: false });
    return new Promise((resolve) => {
      const ended = (): void => {
        this.logStreams.delete(stream);
        resolve();
      };
      stream.once('end', ended).once('close', ended);
    });
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        const status = await this.exit;
        throw new Error(`${this.spec.name} (container ${this.containerName}) exited (status ${status}) before it was healthy; see ${this.logFile}${this.logTail()}`);
      }
      try {
        const res = await fetch(`${this.webUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.spec.name} was not healthy at ${this.webUrl} within ${timeoutMs} ms; see ${this.logFile}${this.logTail()}`);
  }

  /** The end of the daemon's log, for errors read where the log directory is gone (CI). */
  private logTail(): string {
    try {
      const text = readFileSync(this.logFile, 'utf8').trimEnd();
      return text ? `; its log ends with:\n${text.slice(-LOG_TAIL_CHARS)}` : '; its log is empty';
    } catch {
      return '';
    }
  }

  /** SIGKILL, paused or not: both engines deliver it to a frozen container. */
  async kill(): Promise<void> {
    if (!this.running || !this.container) return;
    // 404/409: it exited (or was removed) meanwhile, which the exit watch sees too.
    await this.container.kill({ signal: 'SIGKILL' }).catch(ignoreStatus(404, 409));
    this.paused = false;
    await this.exit;
  }

  async pause(): Promise<void> {
    if (!this.running || this.paused || !this.container) return;
    await this.container.pause();
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused || !this.container) return;
    await this.container.unpause();
    this.paused = false;
  }

  /** SIGTERM (unpaused first: a frozen process handles nothing), SIGKILL after the timeout. */
  async stop(): Promise<void> {
    const container = this.container;
    if (!container) return;
    if (this.running) {
      if (this.paused) await container.unpause().catch(ignoreStatus(404, 409));
      this.paused = false;
      // 304: it had stopped already.
      await container.stop({ t: STOP_TIMEOUT_S }).catch(ignoreStatus(304, 404));
      await this.exit;
    }
    await container.remove({ force: true }).catch(ignoreStatus(404));
  }

  async close(): Promise<void> {
    await this.stop();
    const drained = [...this.logStreams].map((s) => new Promise((resolve) => s.once('close', resolve).once('end', resolve)));
    await Promise.race([Promise.all(drained), new Promise((r) => setTimeout(r, LOG_DRAIN_MS).unref())]);
    for (const s of this.logStreams) s.unpipe();
    this.logStreams.clear();
    await new Promise<void>((resolve) => (this.log ? this.log.end(() => resolve()) : resolve()));
    this.log = undefined;
  }
}

export class ContainersRuntime extends DaemonSetRuntime<DaemonContainer> implements ClusterRuntime {
  readonly kind = 'containers';
  private readonly removeExitHook: () => void;

  constructor(private readonly options: ContainersRuntimeOptions) {
    super(options.healthyTimeoutMs ?? DEFAULT_HEALTHY_TIMEOUT_MS);
    this.removeExitHook = onProcessExit(() => {
      const names = this.daemons.map((d) => d.containerName);
      if (names.length > 0) purgeSync(options.network.endpoint, { containers: names });
    });
  }

  /**
   * Placements from the fault injector are not needed: a container's address (and so its web
   * host) comes from the network's plan, which the injector's route() also used.
   */
  async start(specs: readonly DaemonSpec[]): Promise<void> {
    const addresses = this.options.network.addresses;
    this.placements = new Map(specs.map((s) => [s.name, { webHost: addresses.addressOf(s.name) }]));
    this.daemons = specs.map((spec) => new DaemonContainer(spec, this.options.network.containerName(spec.name), addresses.addressOf(spec.name), this.options, () => this.daemons));
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
